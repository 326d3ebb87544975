# The web chat on the city's website (/chat)

web-city_default = Citizen Service Desk
web-title = { $city } · Online help
web-intro = Hello! Type your question and we will answer from our frequently asked questions; if needed, you can submit a request for the department to handle.
web-log_label = Conversation
web-input_label = Your question or answer
web-input_placeholder = Type your question…
web-send = Send
web-photo = 📷 Photo
web-photo_label = Add a photo (JPEG, PNG, GIF or WebP)
web-menu_label = Shortcuts
web-menu_new = 📝 Submit a request
web-menu_mytickets = 📋 My requests
web-menu_mydata = 🗂 My data
web-menu_subscribe = 📣 Announcements
web-menu_deleteme = 🗑 Erase my data
web-menu_language = 🌐 Language
web-menu_help = ❔ Help
web-menu_start = 👋 Start
web-lang_switch = 中文
web-you = Me
web-bot = Service desk
web-staff = Staff
web-connecting = Connecting…
web-offline = Connection lost, reconnecting…
web-error_send = Could not send; please try again.
web-too_fast = You are sending too quickly; please wait a moment.
web-error_photo_type = Only images can be uploaded (JPEG, PNG, GIF or WebP).
web-error_photo_size = The image is too large.
web-error_text_size = The message is too long.
web-contact_legend = Leave a contact
web-contact_kind = Kind of contact
web-contact_phone = Phone number
web-contact_email = E-mail
web-contact_value = Number or address
web-contact_consent = I agree that staff may use this contact to handle my requests (withdraw it any time with “Erase my data”).
web-contact_send = Save contact
web-contact_need_consent = Please tick the consent box first.
web-echo_contact = (contact left)
web-location_label = 📍 Send my location
web-location_unavailable = Your location is not available (allow the browser to use it).
web-echo_location = 📍 (location)
web-echo_photo = 📷 (photo)
web-photos_from_staff = 📷 Staff attached { $count } photo(s); see the reply for details.
web-widget_open = Online help
web-widget_close = Close
web-privacy_title = 🔒 Privacy
web-privacy = 🔒 Privacy: we keep a random visitor number in a browser cookie (to recognise and answer you), the requests and photos you submit (so the departments can handle them), and a phone number or e-mail only if you choose to leave one (used only if staff need to reach you; this service sends no e-mail by itself). Questions we could not answer are kept anonymously to improve our answers. Your personal data is kept until you delete it: see it with “My data”, erase it with “Erase my data”; tickets stay in the city's records without your identity.
web-data_show =
    🗂 What we store about you:
    Visitor number: { $user_id }
    Name: { $name }
    Phone: { $phone }
    Contact consent given: { $consent }
    Language setting: { $language }
    First contact: { $created }
    Last contact: { $seen }
    Tickets: { $tickets }
    Announcement subscriptions: { $subscriptions }

    { $privacy }
web-data_lang_auto = automatic (the page's language)
web-delete_confirm = Do you really want to erase your personal data? We will delete your visitor number, the conversation, your phone number, e-mail and language setting. Your tickets stay in the city's records but are no longer linked to you, and you will no longer receive answers on them. This cannot be undone.
web-phone_consent =
    If you wish, you can leave a phone number or an e-mail address so staff can reach you if needed. It is used only to handle your requests, staff see it masked, and you can erase it any time.

    Fill it in below and tick the consent box; otherwise press “No phone number”.
web-phone_use_form = Please fill in a phone number or e-mail in the contact field below and tick the consent box, or press “No phone number”.
web-hint_contact = To leave a contact, press “📱 Add my phone” while submitting a request.
web-staff_photos = 📷 The citizen sent { $count } photo(s) from the web chat: open the ticket in the console (/console) to see them.
flow-email_saved = ✅ Your e-mail address is saved (staff will use it if they need to reach you).
flow-email_invalid = That does not look like an e-mail address; please try again.
