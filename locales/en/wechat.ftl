# The WeChat Official Account channel (公众号)

# Numbered choices: the follower replies with the number
wx-choose_hint = Reply with a number to choose.
wx-phone_hint = To leave your phone number, just reply with it; if you prefer not to, reply with the number below.
wx-voice = We received your voice message, but we can only read text for now. Please write your question, or send /new to submit a request.
wx-privacy = 🔒 Privacy: we store your WeChat OpenID (the number this account knows you by, to answer you), the requests and attachments you submit (so the departments can handle them), and a phone number only if you choose to share it (used only if staff need to call you). Questions we could not answer are kept anonymously to improve our answers. Your personal data is kept until you delete it: send /mydata to see it, /deleteme to erase it; tickets stay in the city's records without your identity.
wx-data_show =
    🗂 What we store about you:
    WeChat OpenID: { $user_id }
    Name: { $name }
    Phone: { $phone }
    Phone consent given: { $consent }
    Language setting: { $language }
    First contact: { $created }
    Last contact: { $seen }
    Tickets: { $tickets }
    Announcement subscriptions: { $subscriptions }

    { $privacy }
wx-data_lang_auto = automatic (from your messages)
wx-delete_confirm = Do you really want to erase your personal data? We will delete your WeChat OpenID, name, phone number and language setting. Your tickets stay in the city's records but are no longer linked to you, and you will no longer receive answers on them. This cannot be undone.
wx-phone_consent =
    If you wish, you can leave your phone number so staff can call you if needed. It is used only to handle your requests, staff see it masked unless they need it, and you can erase it any time with /deleteme.
wx-phone_use_reply = Please reply with your phone number (digits only), or reply with the number of “No phone number”.
wx-hint_contact = To leave a phone number, choose “📱 Add my phone” while submitting a request, then reply with the number.

# Staff: a message the citizen could not receive
staff-citizen_unreachable = ⚠️ A message on ticket { $number } did not reach the citizen: { $reason } Please reach them another way (phone: /contact).
unreachable-window = the citizen has not written on WeChat for more than 48 hours, so the account can no longer message them.
unreachable-unsubscribed = the citizen unfollowed the account.
unreachable-failed = the message could not be sent.
sh-event-citizen_unreachable = citizen unreachable
wx-staff_photos = 📷 The citizen sent { $count } photo(s) on WeChat: open the ticket in the console (/console) to see them (WeChat keeps them three days).
