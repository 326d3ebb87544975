# Tickets: statuses, demand types, actions, labels, errors, and the notices the ticket service sends to citizens and staff.
status-new = new
status-in_progress = in progress
status-waiting_citizen = waiting for the citizen
status-answered = answered
status-closed = closed
action-take = take
action-reply = reply to
action-note = add a note to
action-ask_info = ask for information on
action-transfer = transfer
action-close = close
action-reopen = reopen
action-extend = request an extension for
action-approve_extension = approve an extension for
action-refuse_extension = refuse an extension for
action-follow_up = follow up on
action-confirm = confirm as resolved
action-rate = rate
action-retype = change the request type of
action-reveal = reveal the contact of
action-mark_urgent = change the urgent flag of
action-comment_rating = comment on the rating of
type-consultation = consultation
type-help = request for help
type-complaint = complaint
type-report = report
type-suggestion = suggestion
error-generic = Something went wrong; please try again.
error-unavailable = This ticket does not exist or you are not allowed to see or act on it.
error-not_allowed = You are not allowed to do this.
error-conflict = Ticket { $number } was just changed by someone else; please look again.
error-already_taken = Ticket { $number } has already been taken by { $name }.
error-invalid_transition = Cannot { $action } ticket { $number }: it is { $status }.
error-invalid = Invalid input.
error-empty_text = The text must not be empty.
error-text_too_long = The text is too long (at most { $max } characters).
error-bad_ticket_ref = “{ $ref }” is not a ticket number (e.g. 2026-000123).
error-unknown_department = There is no department “{ $slug }”.
error-same_department = The ticket is already with that department.
error-bad_demand_type = “{ $value }” is not a request type; choose one of: { $allowed }.
error-same_demand_type = The request type is unchanged.
error-bad_rating = The rating must be 1 to 5.
error-already_rated = You already rated ticket { $number } { $stars }. Thank you!
error-same_urgency = The urgent flag of ticket { $number } is unchanged ({ $state }).
error-bad_days = The extension must be 1 to { $max } working days.
error-reason_required = Please give a reason.
error-deadline_passed = The deadline ({ $deadline }) has passed; an extension can only be requested before it.
error-extension_pending = An extension request for this ticket is already waiting for a decision.
error-no_pending_extension = There is no extension request waiting for a decision on this ticket.
error-reopen_expired = The ticket was closed more than { $days } days ago and cannot be reopened; please send a new request.
error-bad_page = Invalid page.
error-too_many_attachments = Too many attachments (at most { $max }).
error-bad_attachment = The attachment is not valid.
error-citizen_unreachable = The citizen of ticket { $number } erased their personal data and can no longer be reached, so they cannot be asked for information (the clock would stay paused). You can still reply (recorded on the ticket) or close it.
btn-take = ✋ Take
btn-reply = 💬 Reply
btn-transfer = ↪️ Transfer
btn-resolved = ✅ Resolved
btn-follow_up = 💬 Follow up
btn-reopen = 🔄 Reopen
btn-add_info = 📝 Add information
btn-approve = ✅ Approve
btn-refuse = ❌ Refuse
btn-rate = { $stars }
label-citizen = Citizen
label-urgent = 🚨 URGENT
label-urgent_yes = urgent
label-urgent_no = not urgent
label-none = none
staff-ticket_body =
    Ticket { $number } | { $department }
    Type: { $type }{ $urgent }
    From: { $citizen }
    Respond by: { $response_due }
    Resolve by: { $resolution_due }

    { $text }
staff-new_ticket =
    🆕 New ticket
    { $body }
admin-faq_reload_failed =
    ⚠️ The FAQ files changed but have { $count } problem(s); the previous knowledge base stays live:
    { $problems }
staff-attachment = 📎 Attachment to ticket { $number }
staff-transferred_in =
    ↪️ Transferred from { $from_department }: { $reason }
    { $body }
staff-taken = ✋ { $staff } took ticket { $number }
staff-follow_up =
    💬 The citizen followed up on ticket { $number }:
    { $text }
staff-info_received =
    📝 The citizen answered on ticket { $number }; the clock runs again, resolve by { $resolution_due }
    { $text }
staff-reopened_by_citizen = 🔄 The citizen reopened ticket { $number }.
staff-not_resolved = 🔄 The citizen says ticket { $number } is not resolved.
staff-confirmed = ✅ The citizen confirmed ticket { $number } as resolved; it is closed.
staff-rating_comment = 💬 The citizen commented on their rating of ticket { $number } ({ $rating }/5): { $comment }
staff-with_attachments = 📎 { $count } attachment(s) below
staff-rated = ⭐ The citizen rated ticket { $number }: { $rating }/5 { $comment }
staff-extension_request =
    ⏳ { $staff } asks to extend ticket { $number } by { $days } working days:
    resolve by { $old_deadline } → { $new_deadline }
    Reason: { $reason }
staff-extension_approved = ✅ Extension of ticket { $number } approved; resolve by { $deadline }
staff-extension_refused = ❌ Extension of ticket { $number } refused. { $reason }
citizen-created = Your request is registered as ticket { $number }. We will respond by { $response_due }.
citizen-reply =
    💬 { $department } replied on your ticket { $number }:

    { $text }
citizen-reply_attachments = 💬 { $department } sent you the files below on your ticket { $number }:
citizen-ask_info =
    ❓ { $department } needs more information on your ticket { $number }:

    { $text }

    Just send your answer (text, a photo or a file), or reply to this message. To ask something else first, send /cancel.
citizen-transferred = ↪️ Your ticket { $number } has been transferred to { $department }.
citizen-closed =
    ✅ Your ticket { $number } is closed. { $resolution }
    Please rate our service:
citizen-reopened = 🔄 Your ticket { $number } has been reopened; we are working on it again.
citizen-extended = ⏳ The deadline of your ticket { $number } is extended to { $deadline }. Reason: { $reason }
citizen-retyped = 🏷️ Your ticket { $number } is now handled as a { $type }; it will be resolved by { $deadline }.
citizen-retyped_response = 🏷️ Your ticket { $number } is now handled as a { $type }: we will respond by { $response_due } and resolve it by { $deadline }.
citizen-urgent_on = 🚨 Your ticket { $number } is now handled as urgent; it will be resolved by { $deadline }.
citizen-urgent_off = Your ticket { $number } is no longer handled as urgent; it will be resolved by { $deadline }.
citizen-followup_received = Your message has been added to ticket { $number } and passed on.
citizen-thanks_rating = Thank you for rating ticket { $number }!
view-queue_line = { $number } | { $status } | { $type }{ $urgent } | due { $deadline }
view-queue_header = { $department } open tickets ({ $total } in all, page { $page }/{ $pages })
view-queue_empty = No open tickets.

# The channels a citizen writes on
channel-telegram = Telegram
channel-web = web chat
channel-wechat = WeChat

# Assigning a ticket to a named clerk; the urgent flag
action-assign = assign
error-not_assignable = A ticket can only be assigned to active staff of its department.
error-same_assignee = Ticket { $number } is already assigned to this person.
staff-assigned = 👤 { $staff } assigned ticket { $number } to { $assignee }
staff-assigned_to_you = 👤 { $staff } assigned ticket { $number } to you.

# The system's actions, and the citizen's answer to the post-closure question
action-auto_close = close automatically
action-callback_solved = confirm as solved
action-callback_unsolved = report as not solved
