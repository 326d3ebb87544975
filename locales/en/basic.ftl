# Updates no conversation handles: edits, payments, media, errors.
text_only = Sorry, for now we can only read text messages. Please describe your question in text.
edited = We do not see edits to sent messages. To add or correct something, please send a new message.
no_payments = The citizen desk does not accept payments.
apology = Sorry, something went wrong while handling your message. We logged the error; please try again later.
