# The WeChat Official Account channel (公众号)

# Numbered choices: the follower replies with the number
wx-choose_hint = 回复数字即可选择。
wx-phone_hint = 如同意留下电话，请直接回复您的手机号码；不想留下请回复下面对应的数字。
wx-voice = 收到您的语音，但我们暂时只能处理文字消息。请用文字描述您的问题，或发送 /new 提交诉求。
wx-privacy = 🔒 隐私说明：我们保存您的微信 OpenID（本公众号用来识别您的编号，用于回复您）、您提交的诉求及附件（用于部门办理），以及您主动同意提供的电话号码（仅在工作人员需要联系您时使用）。未能解答的问题会匿名保存，用于完善常见问题库。个人信息保存至您删除为止：发送 /mydata 查看，/deleteme 删除；工单作为政务档案保留，但会去除您的身份信息。
wx-data_show =
    🗂 我们保存的关于您的数据：
    微信 OpenID：{ $user_id }
    名字：{ $name }
    电话：{ $phone }
    同意提供电话时间：{ $consent }
    语言设置：{ $language }
    首次联系：{ $created }
    最近联系：{ $seen }
    工单：{ $tickets }
    订阅的通知：{ $subscriptions }

    { $privacy }
wx-data_lang_auto = 自动（根据您的消息）
wx-delete_confirm = 确定要删除您的个人数据吗？我们将删除您的微信 OpenID、名字、电话和语言设置。您的工单会作为政务档案保留，但不再与您关联，您也将无法再收到这些工单的答复。此操作无法撤销。
wx-phone_consent =
    如您愿意，可以留下电话号码，方便工作人员必要时与您联系。电话仅用于办理您的诉求，工作人员默认只看到部分号码，您可随时发送 /deleteme 删除。
wx-phone_use_reply = 请直接回复您的手机号码（只含数字），或回复对应数字选择“不留电话”。
wx-hint_contact = 如需留下电话，请在提交诉求时选择“📱 留下电话”，然后直接回复号码。

# Staff: a message the citizen could not receive
staff-citizen_unreachable = ⚠️ 工单 { $number } 的消息未能送达市民：{ $reason } 请通过其他方式（如电话，/contact）联系市民。
unreachable-window = 市民在微信上超过 48 小时未发消息，公众号无法再主动发消息给他。
unreachable-unsubscribed = 市民已取消关注公众号。
unreachable-failed = 消息发送失败。
sh-event-citizen_unreachable = 无法联系市民
wx-staff_photos = 📷 市民通过微信发送了 { $count } 张照片：请在工作台（/console）打开工单查看（微信保存三天）。
