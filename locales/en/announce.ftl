# Announcements: topics citizens subscribe to (/subscribe, /start sub-<topic>) and /announce.
sub-none_configured = There are no announcement topics yet.
sub-list =
    📣 Announcements you can follow (tap to subscribe or unsubscribe):
    { $topics }
sub-btn-on = ✅ { $topic }
sub-btn-off = ➕ { $topic }
sub-unknown = This announcement topic does not exist (any more). Send /subscribe to see the topics.
sub-confirm =
    📣 Subscribe to “{ $topic }”?
    { $description }

    You will receive its announcements here; every one has an “Unsubscribe” button.
sub-btn-yes = ✅ Subscribe
sub-btn-no = No, thanks
sub-declined = OK, you are not subscribed to “{ $topic }”.
sub-done = ✅ Subscribed to “{ $topic }”. Send /subscribe to change your topics.
sub-undone = You will no longer receive “{ $topic }”. Send /subscribe to follow it again.
btn-unsubscribe = 🔕 Unsubscribe
announce-urgent-mark = 🚨 URGENT{" "}
announce-message =
    📣 { $urgent }{ $topic }

    { $text }
announce-report =
    📣 Announcement { $id } (“{ $topic }”) is done: { $total } subscribers; sent { $sent }, failed { $failed }, blocked the bot or unfollowed { $blocked } (unsubscribed), out of reach for now { $unreachable } (e.g. WeChat followers who have not written in 48 hours).
announce-cancelled-topic =
    ✖️ Announcement { $id } (“{ $topic }”) is cancelled: its topic was removed from the departments file. { $sent } subscribers had received it; the other { $not_sent } will not.
announce-cancelled-author =
    ✖️ Announcement { $id } (“{ $topic }”) is cancelled. { $sent } subscribers had received it; the other { $not_sent } will not.
announce-err-empty = The announcement has no text.
announce-err-too-long = The announcement is too long: { $length } characters, at most { $limit }.
an-refused = Sorry, only administrators and department heads can make announcements (heads to their department's topics).
an-no_topics = There are no announcement topics you can announce to. Topics are declared in the departments file (topics:).
an-choose_topic = 📣 New announcement: choose the topic.
an-ask_text = Topic “{ $topic }” ({ $subscribers } subscribers). Send the announcement's text (a photo with a caption works too). Write it in Chinese, in English, or both separated by a line with only “---” (Chinese first). /cancel to stop.
an-preview = ⬆️ This is exactly what subscribers will see. Send it?
an-btn-send = 📤 Send now
an-btn-urgent = 🚨 Send now, urgent (also outside hours)
an-btn-schedule = 🕒 Schedule…
an-btn-cancel = ✖️ Cancel
an-ask_time = When should it go out? Send a date and time in the city's time, e.g. { $example }. /cancel to stop.
an-bad_time = I could not read that time (or it has passed). Send e.g. { $example }.
an-queued = ✅ Announcement { $id } queued for { $recipients } subscribers; { $when }. You will get a report when it is done.
an-when-now = it goes out now
an-when-hours = it goes out at { $time } (outside the announcement hours now)
an-when-at = it goes out at { $time }
an-stale = This announcement draft is no longer open. Send /announce to start again.
an-need_text = Please send the announcement's text (or a photo with a caption).
an-usage = Usage: /announce (a new announcement), /announce list (the latest ones), /announce status N, /announce cancel N.
an-list = 📣 Latest announcements (/announce status N for one):
    { $lines }
an-list-line = { $id } · “{ $topic }” · { $state } · sent { $sent } of { $total } · { $time }
an-list-empty = No announcements yet to the topics you may announce to. /announce makes one.
an-not_found = There is no announcement { $id } among the topics you may announce to.
an-not_cancellable = Announcement { $id } cannot be cancelled: it is { $state }.
an-state-queued = waiting to go out
an-state-sending = being sent
an-state-done = done
an-state-cancelled = cancelled
an-status = 📣 Announcement { $id } (“{ $topic }”): { $state }. { $total } subscribers: waiting { $queued }, sent { $sent }, failed { $failed }, blocked the bot or unfollowed { $blocked }, out of reach for now { $unreachable }.
an-status-dropped = Not sent because it was cancelled: { $dropped }.
