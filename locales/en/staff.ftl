# Department staff and administrators in Telegram: commands, their usage, confirmations, ticket views.
sh-usage-queue = Usage: /queue [PAGE]
sh-usage-queue_admin = Usage: /queue [DEPARTMENT] [PAGE]
sh-usage-ticket = Usage: /ticket NUMBER
sh-usage-take = Usage: /take NUMBER
sh-usage-reply = Usage: /reply NUMBER TEXT (or reply to the ticket's message in the staff chat)
sh-usage-note = Usage: /note NUMBER TEXT (internal, never shown to the citizen)
sh-usage-transfer = Usage: /transfer NUMBER [DEPARTMENT REASON]
sh-usage-close = Usage: /close NUMBER [RESOLUTION]
sh-usage-reopen = Usage: /reopen NUMBER [REASON]
sh-usage-extend = Usage: /extend NUMBER DAYS REASON
sh-usage-askinfo = Usage: /askinfo NUMBER QUESTION
sh-usage-type = Usage: /type NUMBER TYPE (consultation, help, complaint, report, suggestion)
sh-bad_type = “{ $value }” is not a request type. Usage: /type NUMBER TYPE (consultation, help, complaint, report, suggestion)
sh-usage-urgent = Usage: /urgent NUMBER [off] (mark the ticket urgent; off clears the flag)
sh-usage-contact = Usage: /contact NUMBER
sh-usage-staffmove = Usage: /staffmove USER_ID DEPARTMENT
sh-usage-staffoff = Usage: /staffoff USER_ID
sh-usage-staff = Usage: /staff [DEPARTMENT]
sh-bad_days = “{ $value }” is not a number of days (a whole number from 1 to { $max }).
sh-bad_user_id = “{ $value }” is not a Telegram user id.
sh-urgent_unsupported = /type does not change the urgent flag: use /urgent NUMBER.
sh-attachment_unsupported = Only photos and documents can be passed on to a citizen (not videos, voice messages, stickers…); nothing was done.
sh-attachments_reply_only = Only a reply (/reply, or a reply to the ticket's message) can carry a photo or document; nothing was done.
sh-citizen_attachment = 📎 Attached to the reply on ticket { $number }
sh-stale_button = This button is no longer valid; please start again.
sh-wrong_chat = Staff commands work only in a private chat with me or in your department's staff chat.
sh-admin_only = Only administrators can do this.
sh-unknown_staff = There is no staff member with Telegram user id { $user_id }.
sh-already_inactive = Staff member { $user_id } is already inactive.
sh-unknown_department_known = There is no department “{ $slug }”. Known: { $known }
sh-taken = ✋ You took ticket { $number }.
sh-replied = ✅ Your reply on ticket { $number } was sent to the citizen.
sh-replied_with_attachments = ✅ Your reply on ticket { $number } was sent to the citizen with { $count } attachment(s).
sh-replied_unreachable = 📝 Your reply is recorded on ticket { $number }, but the citizen erased their personal data and can no longer be reached: nothing was sent to them.
sh-citizen_unreachable = ⚠️ The citizen erased their data and can no longer be reached: they were not told.
sh-noted = 📝 Internal note added to ticket { $number } (never shown to the citizen).
sh-asked = ❓ The citizen was asked for information on ticket { $number }; the clock is paused.
sh-transferred = ↪️ Ticket { $number } was transferred to { $department }.
sh-closed = ✅ Ticket { $number } is closed.
sh-reopened = 🔄 Ticket { $number } was reopened ({ $status }).
sh-extension_requested = ⏳ Extension of ticket { $number } by { $days } working days requested; waiting for the head.
sh-extension_approved = ✅ Extension of ticket { $number } approved; resolve by { $deadline }
sh-extension_refused = ❌ Extension of ticket { $number } refused.
sh-retyped = 🏷️ Ticket { $number } is now a { $type }; resolve by { $deadline }
sh-retyped_told = The citizen was told the new deadline.
sh-urgent_on = 🚨 Ticket { $number } is now urgent; resolve by { $deadline }
sh-urgent_off = Ticket { $number } is no longer urgent; resolve by { $deadline }
sh-contact =
    🔓 Contact of the citizen on ticket { $number } (recorded in the audit trail):
    Name: { $name }
    Phone: { $phone }
    E-mail: { $email }
    Reached on: { $channels }
sh-contact_sent_privately = 🔓 The contact was sent to you in a private message (recorded in the audit trail).
sh-cancelled = Cancelled.
sh-nothing_to_cancel = Nothing to cancel.
sh-private_only = { $command } works in a private chat with me (here it would show personal data): open the chat with the bot and send it there.
sh-unknown_command = There is no { $command } command. /staffhelp lists the staff commands.
sh-reply_prompt = 💬 Write your reply to ticket { $number } (in a group, reply to this message).{ $canned }
sh-reply_prompt_canned = {"\u000A"}Or pick one of the canned replies below.
sh-canned_preview =
    📋 Canned reply “{ $title }” (ticket { $number }):

    { $text }

    Press “Send as is”, or send your edited text.
sh-transfer_pick = ↪️ Transfer ticket { $number } to which department?
sh-transfer_reason_prompt = ↪️ Why transfer ticket { $number } to { $department }? (In a group, reply to this message.)
sh-no_other_departments = There is no other department to transfer to.
sh-btn-cancel = ✖️ Cancel
sh-btn-send = 📤 Send as is
sh-btn-prev = ◀
sh-btn-next = ▶
sh-all_departments = All departments
sh-queue_item = { $line } | { $assignee }
sh-unassigned = unassigned
sh-details_header =
    📄 Ticket { $number } | { $department }
    Status: { $status } | Type: { $type }{ $urgent }
    From: { $citizen }
    Assignee: { $assignee }
    Respond by: { $response_due } | Resolve by: { $resolution_due }

    { $text }
sh-details_conversation = 💬 Conversation
sh-details_notes = 📝 Internal notes
sh-details_audit = 🧾 Audit trail
sh-details_none = (none)
sh-actor-citizen = citizen
sh-actor-system = system
sh-staff_header = 👥 Staff ({ $count })
sh-staff_line = { $user_id } | { $name } | { $department } | { $role }{ $inactive }
sh-staff_inactive = {" "}(inactive)
sh-staff_none = There are no staff members yet.
sh-staff_moved = ✅ { $name } ({ $user_id }) now works for { $department }.
sh-staff_off = ✅ { $name } ({ $user_id }) can no longer act as staff.
sh-reload_result =
    🔄 Reload (whatever has problems keeps its live version):
    { $lines }
sh-reload_unavailable = not configured
sh-welcome_staff =
    👋 Welcome, { $name }! You are now { $role } of { $department }.

    { $help }
sh-role-clerk = a clerk
sh-role-head = the head
sh-role-admin = an administrator
sh-invite-unknown = This invite link is not valid. Please ask an administrator for a new one.
sh-invite-expired = This invite link has expired. Please ask an administrator for a new one.
sh-invite-used = This invite link has already been used (each link works once). Please ask an administrator for a new one.
sh-invite-department_inactive = The department of this invite link is no longer active. Please contact an administrator.
sh-help =
    Staff commands (N is a ticket number such as 2026-000123, or 123 for this year's):
    /queue — your department's open tickets by deadline (with ◀ ▶)
    /ticket N — details, conversation and audit trail
    /take N — take the ticket
    /reply N TEXT — answer the citizen (or reply to the ticket's message in the staff chat; a photo or document goes along)
    /note N TEXT — internal note (never shown to the citizen)
    /askinfo N QUESTION — ask the citizen for information (pauses the clock)
    /transfer N [DEPARTMENT REASON] — transfer (without a department: pick from buttons)
    /close N [RESOLUTION] — close
    /reopen N [REASON] — reopen
    /extend N DAYS REASON — ask the head for more working days
    /type N TYPE — correct the request type: consultation, help, complaint, report, suggestion (approved extensions are kept; the citizen is told a new deadline)
    /urgent N [off] — mark the ticket urgent (off: not urgent); deadlines are recomputed
    /contact N — reveal the citizen's contact (recorded in the audit trail)
    /console — a one-time sign-in link to the web console (sent privately)
    /language [zh|en] — the language the bot writes to you in (your notifications too)
    /announce — announce to a topic's subscribers (department heads: their department's topics; administrators: any)
    /announce list, /announce status N, /announce cancel N — the latest announcements; one's progress; stop one that is not done
    /cancel — cancel what you started
    /staffhelp — this help
sh-help_admin =
    {"\u000A"}{"\u000A"}Administrator commands:
    /staff [DEPARTMENT] — list staff
    /staffmove USER_ID DEPARTMENT — move someone
    /staffoff USER_ID — deactivate someone
    /reload — reload the FAQ and the departments file
    /queue [DEPARTMENT] [PAGE] — any department's open tickets, or all of them
    /gaps [DAYS] — what the FAQ could not answer, grouped by need
    /stale — FAQ entries that need a review
sh-event-created = created
sh-event-taken = taken
sh-event-replied = replied
sh-event-note = note
sh-event-info_requested = asked for information
sh-event-transferred = transferred
sh-event-closed = closed
sh-event-reopened = reopened
sh-event-extension_requested = extension requested
sh-event-extension_approved = extension approved
sh-event-extension_refused = extension refused
sh-event-citizen_message = citizen message
sh-event-confirmed = confirmed by the citizen
sh-event-rated = rated
sh-event-retyped = type corrected
sh-event-urgency_changed = urgent flag changed
sh-event-rating_commented = rating comment
sh-event-contact_revealed = contact revealed

# More audit-trail event names
sh-event-assigned = assigned

# Administrators: gap clusters (/gaps) and FAQ freshness (/stale)
sh-usage-gaps = Usage: /gaps [DAYS]
sh-usage-stale = Usage: /stale
sh-gaps_head = 🕳️ What the FAQ could not answer in the last { $days } days ({ $count } largest groups):
sh-gaps_line =
    { $rank }. { $count }×: { $questions }
       tickets: { $departments }; suggested entry: { $id }
sh-gaps_tail = YAML drafts of new entries: citizen-desk gaps --clusters --days { $days }
sh-gaps_none = No unanswered questions in the last { $days } days.
sh-stale_head = 🗂️ { $count } FAQ entries need a review (review age { $days } days):
sh-stale_expired = • { $id } ({ $owner }) expired on { $day }; no longer given as an answer
sh-stale_expiring = • { $id } ({ $owner }) expires on { $day }
sh-stale_stale = • { $id } ({ $owner }) last reviewed on { $day }
sh-stale_unreviewed = • { $id } ({ $owner }) has no review date
sh-stale_more = … and { $count } more
sh-stale_none = ✅ Every FAQ entry was reviewed within { $days } days and none has expired.
sh-stale_no_faq = The FAQ is not loaded.
# /language for staff: their own language (answers, and notifications sent to them privately)
sh-usage-language = Usage: /language zh or /language en — the language the bot writes to you in, notifications about tickets included.
sh-language_current = The bot writes to you in { $language }. To change it: /language zh or /language en.
sh-language_set = From now on the bot writes to you in { $language }.
sh-language-zh = Chinese (中文)
sh-language-en = English
