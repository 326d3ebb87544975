# The web chat on the city's website (/chat)

web-city_default = 市民服务台
web-title = { $city } · 在线咨询
web-intro = 您好！请直接输入您的问题，我们会从常见问题中为您解答；需要时也可以提交诉求，由相关部门办理。
web-log_label = 对话记录
web-input_label = 您的问题或回复
web-input_placeholder = 请输入您的问题…
web-send = 发送
web-photo = 📷 照片
web-photo_label = 添加照片（JPEG、PNG、GIF 或 WebP）
web-menu_label = 快捷功能
web-menu_new = 📝 提交诉求
web-menu_mytickets = 📋 我的诉求
web-menu_mydata = 🗂 我的数据
web-menu_subscribe = 📣 订阅通知
web-menu_deleteme = 🗑 删除我的数据
web-menu_language = 🌐 语言
web-menu_help = ❔ 帮助
web-menu_start = 👋 开始
web-lang_switch = English
web-you = 我
web-bot = 服务台
web-staff = 工作人员
web-connecting = 正在连接…
web-offline = 连接中断，正在重新连接…
web-error_send = 发送失败，请稍后重试。
web-too_fast = 您发送得太快了，请稍等片刻再试。
web-error_photo_type = 只能上传图片（JPEG、PNG、GIF 或 WebP）。
web-error_photo_size = 图片太大了。
web-error_text_size = 消息太长了。
web-contact_legend = 留下联系方式
web-contact_kind = 联系方式类型
web-contact_phone = 手机号码
web-contact_email = 电子邮箱
web-contact_value = 号码或邮箱
web-contact_consent = 我同意工作人员使用此联系方式处理我的诉求（可随时通过“删除我的数据”撤回）。
web-contact_send = 保存联系方式
web-contact_need_consent = 请先勾选同意。
web-echo_contact = （已留下联系方式）
web-location_label = 📍 发送我的位置
web-location_unavailable = 无法获取您的位置（请允许浏览器使用位置信息）。
web-echo_location = 📍（位置）
web-echo_photo = 📷（照片）
web-photos_from_staff = 📷 工作人员附上了 { $count } 张照片，请在回复中查看说明。
web-widget_open = 在线咨询
web-widget_close = 关闭
web-privacy_title = 🔒 隐私说明
web-privacy = 🔒 隐私说明：我们在浏览器 Cookie 中保存一个随机的访客编号（用于识别您、回复您），保存您提交的诉求及照片（用于部门办理），以及您主动同意留下的电话或邮箱（仅在工作人员需要联系您时使用；本服务不会自动发送邮件）。未能解答的问题会匿名保存，用于完善常见问题库。个人信息保存至您删除为止：点击“我的数据”查看，“删除我的数据”删除；工单作为政务档案保留，但会去除您的身份信息。
web-data_show =
    🗂 我们保存的关于您的数据：
    访客编号：{ $user_id }
    名字：{ $name }
    电话：{ $phone }
    同意提供联系方式时间：{ $consent }
    语言设置：{ $language }
    首次联系：{ $created }
    最近联系：{ $seen }
    工单：{ $tickets }
    订阅的通知：{ $subscriptions }

    { $privacy }
web-data_lang_auto = 自动（跟随页面语言）
web-delete_confirm = 确定要删除您的个人数据吗？我们将删除您的访客编号、对话记录、电话、邮箱和语言设置。您的工单会作为政务档案保留，但不再与您关联，您也将无法再收到这些工单的答复。此操作无法撤销。
web-phone_consent =
    如您愿意，可以留下电话或电子邮箱，方便工作人员在需要时联系您。仅用于办理您的诉求，工作人员看到的是遮挡后的号码，您可随时删除。

    请在下方填写并勾选同意；不想留下请点击“不留电话”。
web-phone_use_form = 请在下方的联系方式栏填写电话或邮箱并勾选同意，或点击“不留电话”。
web-hint_contact = 如需留下联系方式，请在提交诉求时点击“📱 留下电话”。
web-staff_photos = 📷 市民通过网页发送了 { $count } 张照片：请在工作台（/console）打开工单查看。
flow-email_saved = ✅ 您的电子邮箱已保存（工作人员需要时会与您联系）。
flow-email_invalid = 这似乎不是有效的电子邮箱，请重新填写。
