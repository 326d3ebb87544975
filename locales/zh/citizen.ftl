# The citizen conversation: welcome, FAQ answers, the request form, my tickets, ratings, personal data.
welcome =
    您好{ $name }！这里是市民服务台 🏛

    我可以：
    • 回答常见问题：直接用文字写下您的问题即可
    • 把您的诉求（咨询、求助、投诉、举报、建议）转给负责部门，并告诉您答复期限
    • 随时查看您的工单进度

    { $privacy }

    { $menu }
privacy = 🔒 隐私说明：我们保存您的 Telegram 账号 ID 和名字（用于回复您）、您提交的诉求及附件（用于部门办理），以及您主动同意提供的电话号码（仅在工作人员需要联系您时使用）。未能解答的问题会匿名保存，用于完善常见问题库。个人信息保存至您删除为止：/mydata 查看，/deleteme 删除；工单作为政务档案保留，但会去除您的身份信息。
menu =
    命令：
    /new 提交诉求
    /mytickets 我的工单
    /language 切换语言
    /subscribe 订阅通知
    /mydata 我的个人数据
    /deleteme 删除我的数据
    /cancel 取消当前操作
    /help 帮助
help =
    直接用文字提问，我会在常见问题库中查找答案；找不到时可以提交给相关部门。

    { $menu }
chitchat = 您好！请直接写下您的问题，例如「怎么办理居住证？」。需要帮助请发送 /help。
unknown_command =
    我不认识这个命令。

    { $menu }
cmd-start = 开始 / 使用说明
cmd-new = 提交诉求
cmd-mytickets = 我的工单
cmd-language = 切换语言 / Language
cmd-subscribe = 订阅通知
cmd-mydata = 查看我的个人数据
cmd-deleteme = 删除我的个人数据
cmd-cancel = 取消当前操作
cmd-help = 帮助
language-prompt = 请选择语言 / Choose your language:
language-set = 好的，之后我会用中文回复您。
faq-answer =
    { $answer }{ $links }

    这个回答对您有帮助吗？
faq-links =
    {"\u000A"}{"\u000A"}🔗 相关链接：
    { $links }
btn-helpful_yes = 👍 有帮助
btn-helpful_no = 👎 没有帮助
faq-glad = 很高兴能帮到您！还有其他问题随时问我。
faq-not_helpful = 抱歉没能解答您的问题。要把问题提交给{ $department }吗？工作人员会在规定时限内答复您。
faq-not_helpful_nodept = 抱歉没能解答您的问题。要把问题提交给相关部门吗？工作人员会在规定时限内答复您。
faq-suggest = 您是想问以下哪个问题？
btn-none_of_these = 都不是
faq-none = 抱歉，常见问题库中没有找到这个问题的答案。要把问题提交给相关部门吗？工作人员会在规定时限内答复您。
btn-submit_question = 📝 提交给部门
btn-no_thanks = 不用了
faq-no_ticket = 好的。您可以换个说法再问，或随时发送 /new 提交诉求。
faq-expired = 这个按钮已过期，请重新发送您的问题。
flow-describe = 请用文字描述您的诉求（发生了什么、在哪里、什么时候）。也可以随后补充照片或位置。
flow-describe_dept = 您将向{ $department }提交诉求。请用文字描述具体情况（发生了什么、在哪里、什么时候）。
flow-need_text = 请先用文字描述您的诉求，照片和位置可以随后补充。
flow-choose_dept = 请选择负责的部门：
flow-choose_dept_suggested = 这些部门最可能负责您的诉求，请选择一个（都不对请点“其他部门”）：
flow-choose_type = 请选择诉求类型：
flow-draft =
    📋 请确认您的诉求：

    部门：{ $department }
    类型：{ $type }｜紧急：{ $urgent }
    内容：{ $text }
    照片：{ $photos } 张｜文件：{ $documents } 个｜位置：{ $location }｜联系电话：{ $phone }

    如需补充，可直接发送文字、照片 📷、文件 📎 或位置 📍。确认无误后请点「提交」。
flow-yes = 已提供
flow-no = 未提供
flow-yes_urgent = 是 🚨
flow-no_urgent = 否
flow-dept_unset = 尚未选择（提交时会请您选择）
flow-urgent_guessed = 🚨 看起来情况紧急，已按紧急诉求标记（如不紧急，请点「不紧急」）。如有人身危险，请立即拨打 110；火警 119，急救 120。
btn-urgent_on = 🚨 标记紧急
btn-urgent_off = 不紧急
btn-submit = ✅ 提交
btn-change_dept = 🏢 更换部门
btn-other_dept = 其他部门…
btn-change_type = 🏷 更改类型
btn-share_phone = 📱 留下电话
btn-cancel = ✖️ 取消
btn-type_chosen = ✓ { $type }
flow-phone_consent =
    如您愿意，可以留下电话号码，方便工作人员需要时与您联系。号码仅用于办理您的诉求，工作人员默认只看到部分号码；您可以随时用 /deleteme 删除。

    同意请点击下方「📱 同意并发送我的电话」按钮；不同意请点「不留电话」。
btn-send_contact = 📱 同意并发送我的电话
btn-no_phone = 不留电话
flow-phone_saved = ✅ 已保存您的电话号码。
flow-phone_declined = 好的，不留电话。
flow-phone_not_own = 请点击按钮发送您自己的电话号码。
flow-phone_use_button = 请点击下方按钮发送电话号码，或点「不留电话」。
flow-added_text = 已补充文字说明。
flow-added_photo = 📷 已添加照片（共 { $count } 张）。
flow-added_location = 📍 已添加位置。
flow-added_document = 📎 已添加文件（共 { $count } 个）。
flow-too_many_documents = 最多可添加 { $max } 个文件。
flow-too_many_photos = 最多可添加 { $max } 张照片。
flow-cancelled = 已取消，未提交任何内容。有问题随时问我。
flow-nothing_to_cancel = 当前没有进行中的操作。
flow-no_dept = 提交前还需要选择负责的部门：
flow-expired = 这个按钮已失效，请发送 /new 重新开始。
flow-failed = 提交失败：{ $reason }
my-header = 📂 您的工单（共 { $total } 件，第 { $page }/{ $pages } 页）：
my-line = { $number }｜{ $department }｜{ $status }｜{ $due_label }{ $due }
my-due_response = 答复期限{" "}
my-due_resolution = 办结期限{" "}
my-closed_at = 办结于{" "}
my-empty = 您还没有提交过诉求。直接提问，或发送 /new 提交诉求。
my-ticket =
    🎫 工单 { $number }
    部门：{ $department }
    类型：{ $type }
    状态：{ $status }
    提交时间：{ $created }
    { $due_label }{ $due }{ $rating }

    对话记录：
    { $conversation }
my-rating = {"\u000A"}评价：{ $stars }
my-event_you = 🙋 { $at } 您：{ $text }
my-event_staff = 🏛 { $at } 工作人员：{ $text }
my-event_ask = ❓ { $at } 工作人员请您补充：{ $text }
my-attachments = （附照片 { $photos } 张、文件 { $documents } 个{ $location }）
my-with_location = 、位置
btn-prev = ⬅️ 上一页
btn-next = 下一页 ➡️
btn-back_list = ↩️ 返回列表
tk-followup_prompt = 请发送您要补充给工单 { $number } 的内容（发送 /cancel 取消）：
tk-resolved = 感谢确认！
tk-answer_added = ✅ 您的回复已补充到工单 { $number }，并已转给承办部门。{ $attachments }
tk-with_attachments = （含附件 { $count } 个）
tk-answer_skipped = 好的，您接下来的消息将不再作为补充信息。需要补充时，请直接回复工作人员的提问消息，或点其下方的「📝 补充信息」。
tk-reopened = 🔄 工单 { $number } 已重新打开，已通知承办部门。
tk-comment_prompt = 感谢您的评分 { $stars }！如愿意，可以再写几句意见（可选）：
btn-skip = 跳过
tk-comment_thanks = 感谢您的意见，我们会认真改进。
tk-skipped = 好的，感谢评价！
data-none = 我们没有保存您的任何个人数据。
data-show =
    🗂 我们保存的关于您的数据：
    Telegram ID：{ $user_id }
    名字：{ $name }
    电话：{ $phone }
    同意提供电话时间：{ $consent }
    语言设置：{ $language }
    首次联系：{ $created }
    最近联系：{ $seen }
    工单：{ $tickets }
    订阅的通知：{ $subscriptions }

    { $privacy }
data-unset = 无
data-lang_auto = 自动（跟随 Telegram）
delete-confirm = 确定要删除您的个人数据吗？我们将删除您的 Telegram ID、名字、电话和语言设置。您的工单会作为政务档案保留，但不再与您关联，您也将无法再收到这些工单的答复。此操作无法撤销。
btn-delete_yes = 🗑 确认删除
btn-delete_no = 保留
delete-done = ✅ 您的个人数据已删除（{ $tickets } 件工单已匿名化）。如再次联系我们，将作为新用户处理。
delete-kept = 好的，未做任何删除。
flood = 您发送得太快了。接下来 { $seconds } 秒内发送的消息不会被处理，请稍后再重新发送。
hint-photo = 收到照片。我无法从照片中识别问题：如需报告问题，可以提交诉求并附上这张照片。
hint-document = 收到文件。如需报告问题，可以提交诉求并附上这个文件。
hint-location = 收到位置。如需报告该地点的问题，可以提交诉求并附上这个位置。
hint-contact = 如需留下电话，请在提交诉求时点击「📱 留下电话」。
hint-other = 抱歉，我只能读懂文字消息。请用文字写下您的问题，或发送 /new 提交诉求。
btn-new_with_attachment = 📝 提交诉求
stale = 这个按钮已失效。

# Outdated FAQ entries
faq-suggest_outdated = 您是想问以下哪个问题？其中有的答复可能已过时，正在等待更新；如需确认，可以把问题提交给相关部门。
faq-outdated_answer =
    ⚠️ 这条答复可能已过时，相关部门正在更新，仅供参考：

    { $answer }

    要把您的问题提交给相关部门确认吗？

# Layout: two texts one after the other (a line break; a blank line between paragraphs)
lines =
    { $first }
    { $rest }
paragraphs =
    { $first }

    { $rest }
spaced = { $first } { $rest }
joined = { $first }{ $rest }
