# The citizen conversation: welcome, FAQ answers, the request form, my tickets, ratings, personal data.
welcome =
    Hello{ $name }! This is the city's citizen desk 🏛

    I can:
    • answer common questions: just write your question as a message
    • pass your request (question, request for help, complaint, report, suggestion) to the department in charge and tell you when to expect an answer
    • show you how your requests are progressing

    { $privacy }

    { $menu }
privacy = 🔒 Privacy: we store your Telegram ID and name (to answer you), the requests and attachments you submit (so the departments can handle them), and a phone number only if you choose to share it (used only if staff need to call you). Questions we could not answer are kept anonymously to improve our answers. Your personal data is kept until you delete it: see it with /mydata, erase it with /deleteme; tickets stay in the city's records without your identity.
menu =
    Commands:
    /new submit a request
    /mytickets my tickets
    /language change language
    /subscribe announcements to follow
    /mydata my personal data
    /deleteme erase my data
    /cancel cancel the current step
    /help help
help =
    Just write your question; I look for the answer in our knowledge base, and if there is none you can submit it to the department in charge.

    { $menu }
chitchat = Hello! Just write your question, e.g. “How do I renew my ID card?”. Send /help for more.
unknown_command =
    I don't know that command.

    { $menu }
cmd-start = Start / how it works
cmd-new = Submit a request
cmd-mytickets = My tickets
cmd-language = Language / 切换语言
cmd-mydata = See my personal data
cmd-subscribe = Announcements to follow
cmd-deleteme = Erase my personal data
cmd-cancel = Cancel the current step
cmd-help = Help
language-prompt = Choose your language / 请选择语言:
language-set = OK, I will answer in English from now on.
faq-answer =
    { $answer }{ $links }

    Did this help?
faq-links =
    {"\u000A"}{"\u000A"}🔗 Links:
    { $links }
btn-helpful_yes = 👍 Yes, thanks
btn-helpful_no = 👎 No
faq-glad = Glad it helped! Ask me anything else any time.
faq-not_helpful = Sorry that did not answer it. Shall I send your question to { $department }? Staff will answer you within the committed time.
faq-not_helpful_nodept = Sorry that did not answer it. Shall I send your question to the department in charge? Staff will answer you within the committed time.
faq-suggest = Did you mean one of these?
btn-none_of_these = None of these
faq-none = Sorry, I could not find an answer to this in our knowledge base. Shall I send your question to the department in charge? Staff will answer you within the committed time.
btn-submit_question = 📝 Send to a department
btn-no_thanks = No, thanks
faq-no_ticket = OK. You can ask again in other words, or send /new to submit a request any time.
faq-expired = This button has expired; please send your question again.
flow-describe = Please describe your request in words (what happened, where, when). You can add a photo or your location afterwards.
flow-describe_dept = Your request will go to { $department }. Please describe it in words (what happened, where, when).
flow-need_text = Please first describe your request in words; photos and location can be added afterwards.
flow-choose_dept = Which department should handle it?
flow-choose_dept_suggested = These departments are the most likely to handle your request; please choose one (or "Other department…" if none fits):
flow-choose_type = What kind of request is it?
flow-draft =
    📋 Please check your request:

    Department: { $department }
    Type: { $type } | Urgent: { $urgent }
    Text: { $text }
    Photos: { $photos } | Files: { $documents } | Location: { $location } | Phone: { $phone }

    To add anything, just send more text, a photo 📷, a file 📎 or your location 📍. When it is right, tap “Submit”.
flow-yes = yes
flow-no = no
flow-yes_urgent = yes 🚨
flow-no_urgent = no
flow-dept_unset = not chosen yet (you will choose one when you submit)
flow-urgent_guessed = 🚨 This sounds urgent, so it is marked urgent (tap “Not urgent” if it is not). If anyone is in danger, call 110 now; fire 119, ambulance 120.
btn-urgent_on = 🚨 Mark urgent
btn-urgent_off = Not urgent
btn-submit = ✅ Submit
btn-change_dept = 🏢 Change department
btn-other_dept = Other department…
btn-change_type = 🏷 Change type
btn-share_phone = 📱 Add my phone
btn-cancel = ✖️ Cancel
btn-type_chosen = ✓ { $type }
flow-phone_consent =
    If you wish, you can leave your phone number so staff can call you if needed. It is used only to handle your requests, staff see it masked unless they need it, and you can erase it any time with /deleteme.

    To agree, tap “📱 I agree, send my phone number” below; otherwise tap “No phone number”.
btn-send_contact = 📱 I agree, send my phone number
btn-no_phone = No phone number
flow-phone_saved = ✅ Your phone number is saved.
flow-phone_declined = OK, no phone number.
flow-phone_not_own = Please use the button to send your own phone number.
flow-phone_use_button = Please tap the button below to send your number, or “No phone number”.
flow-added_text = Added to the description.
flow-added_photo = 📷 Photo added ({ $count } in all).
flow-added_location = 📍 Location added.
flow-added_document = 📎 File added ({ $count } in all).
flow-too_many_documents = You can add at most { $max } files.
flow-too_many_photos = You can add at most { $max } photos.
flow-cancelled = Cancelled; nothing was submitted. Ask me anything any time.
flow-nothing_to_cancel = There is nothing to cancel.
flow-no_dept = One more thing before submitting: which department should handle it?
flow-expired = This button is no longer active; send /new to start again.
flow-failed = Could not submit: { $reason }
my-header = 📂 Your tickets ({ $total } in all, page { $page }/{ $pages }):
my-line = { $number } | { $department } | { $status } | { $due_label }{ $due }
my-due_response = answer by{" "}
my-due_resolution = resolve by{" "}
my-closed_at = closed{" "}
my-empty = You have no tickets yet. Ask a question, or send /new to submit a request.
my-ticket =
    🎫 Ticket { $number }
    Department: { $department }
    Type: { $type }
    Status: { $status }
    Submitted: { $created }
    { $due_label }{ $due }{ $rating }

    Conversation:
    { $conversation }
my-rating = {"\u000A"}Rating: { $stars }
my-event_you = 🙋 { $at } You: { $text }
my-event_staff = 🏛 { $at } Staff: { $text }
my-event_ask = ❓ { $at } Staff asked: { $text }
my-attachments = (with { $photos } photo(s), { $documents } file(s){ $location })
my-with_location = {" "}and a location
btn-prev = ⬅️ Previous
btn-next = Next ➡️
btn-back_list = ↩️ Back to the list
tk-followup_prompt = Send what you want to add to ticket { $number } (or /cancel):
tk-resolved = Thank you for confirming!
tk-answer_added = ✅ Your answer was added to ticket { $number } and passed to the department.{ $attachments }
tk-with_attachments = {" "}({ $count } attachment(s))
tk-answer_skipped = OK, your next messages are no longer taken as your answer. To answer later, reply to the staff's question or tap “📝 Add information” under it.
tk-reopened = 🔄 Ticket { $number } is reopened; the department has been told.
tk-comment_prompt = Thank you for rating { $stars }! If you like, add a short comment (optional):
btn-skip = Skip
tk-comment_thanks = Thank you for your comment; it helps us improve.
tk-skipped = OK, thank you for rating!
data-none = We do not store any personal data about you.
data-show =
    🗂 What we store about you:
    Telegram ID: { $user_id }
    Name: { $name }
    Phone: { $phone }
    Phone consent given: { $consent }
    Language setting: { $language }
    First contact: { $created }
    Last contact: { $seen }
    Tickets: { $tickets }
    Announcement subscriptions: { $subscriptions }

    { $privacy }
data-unset = none
data-lang_auto = automatic (from Telegram)
delete-confirm = Do you really want to erase your personal data? We will delete your Telegram ID, name, phone number and language setting. Your tickets stay in the city's records but are no longer linked to you, and you will no longer receive answers on them. This cannot be undone.
btn-delete_yes = 🗑 Yes, erase my data
btn-delete_no = No, keep it
delete-done = ✅ Your personal data has been erased ({ $tickets } ticket(s) anonymised). If you write again you will be treated as a new user.
delete-kept = OK, nothing was deleted.
flood = You are sending messages too quickly. Messages sent in the next { $seconds } seconds will not be processed; please send them again after that.
hint-photo = Got your photo. I cannot read questions from pictures: to report a problem, submit a request and this photo will be attached.
hint-document = Got your file. To report a problem, submit a request and the file will be attached.
hint-location = Got your location. To report a problem at this place, submit a request and the location will be attached.
hint-contact = To leave a phone number, tap “📱 Add my phone” while submitting a request.
hint-other = Sorry, I can only read text messages. Please write your question in words, or send /new to submit a request.
btn-new_with_attachment = 📝 Submit a request
stale = This button is no longer valid.

# Outdated FAQ entries
faq-suggest_outdated = Did you mean one of these? Some of these answers may be outdated and are waiting for an update; to be sure, you can send your question to the department.
faq-outdated_answer =
    ⚠️ This answer may be outdated and is being updated by the department; for reference only:

    { $answer }

    Shall I send your question to the department to confirm?

# Layout: two texts one after the other (a line break; a blank line between paragraphs)
lines =
    { $first }
    { $rest }
paragraphs =
    { $first }

    { $rest }
spaced = { $first } { $rest }
joined = { $first }{ $rest }
