"""The citizen conversation's message catalogue, in Chinese and English.

``tr(lang, key, **params)`` formats ``key`` in ``lang`` ("zh" or "en"; anything else is zh,
the city's default). Every key has both languages (a test checks it); an unknown key raises.
Ticket notifications (number, deadline, staff replies) come from :mod:`tickets.i18n`.
"""

from __future__ import annotations

from typing import Any

CITIZEN_TEXTS: dict[str, dict[str, str]] = {
    # -- /start, /help, privacy ---------------------------------------------------------------
    "welcome": {
        "zh": (
            "您好{name}！这里是市民服务台 🏛\n\n"
            "我可以：\n"
            "• 回答常见问题：直接用文字写下您的问题即可\n"
            "• 把您的诉求（咨询、求助、投诉、举报、建议）转给负责部门，并告诉您答复期限\n"
            "• 随时查看您的工单进度\n\n"
            "{privacy}\n\n{menu}"
        ),
        "en": (
            "Hello{name}! This is the city's citizen desk 🏛\n\n"
            "I can:\n"
            "• answer common questions: just write your question as a message\n"
            "• pass your request (question, request for help, complaint, report, suggestion) "
            "to the department in charge and tell you when to expect an answer\n"
            "• show you how your requests are progressing\n\n"
            "{privacy}\n\n{menu}"
        ),
    },
    "privacy": {
        "zh": (
            "🔒 隐私说明：我们保存您的 Telegram 账号 ID 和名字（用于回复您）、您提交的诉求及附件"
            "（用于部门办理），以及您主动同意提供的电话号码（仅在工作人员需要联系您时使用）。"
            "未能解答的问题会匿名保存，用于完善常见问题库。个人信息保存至您删除为止："
            "/mydata 查看，/deleteme 删除；工单作为政务档案保留，但会去除您的身份信息。"
        ),
        "en": (
            "🔒 Privacy: we store your Telegram ID and name (to answer you), the requests and "
            "attachments you submit (so the departments can handle them), and a phone number "
            "only if you choose to share it (used only if staff need to call you). Questions we "
            "could not answer are kept anonymously to improve our answers. Your personal data is "
            "kept until you delete it: see it with /mydata, erase it with /deleteme; tickets stay "
            "in the city's records without your identity."
        ),
    },
    "menu": {
        "zh": (
            "命令：\n/new 提交诉求\n/mytickets 我的工单\n/language 切换语言\n"
            "/mydata 我的个人数据\n/deleteme 删除我的数据\n/cancel 取消当前操作\n/help 帮助"
        ),
        "en": (
            "Commands:\n/new submit a request\n/mytickets my tickets\n/language change language\n"
            "/mydata my personal data\n/deleteme erase my data\n/cancel cancel the current step\n"
            "/help help"
        ),
    },
    "help": {
        "zh": "直接用文字提问，我会在常见问题库中查找答案；找不到时可以提交给相关部门。\n\n{menu}",
        "en": (
            "Just write your question; I look for the answer in our knowledge base, and if there "
            "is none you can submit it to the department in charge.\n\n{menu}"
        ),
    },
    "chitchat": {
        "zh": "您好！请直接写下您的问题，例如「怎么办理居住证？」。需要帮助请发送 /help。",
        "en": "Hello! Just write your question, e.g. “How do I renew my ID card?”. Send /help for more.",
    },
    "unknown_command": {
        "zh": "我不认识这个命令。\n\n{menu}",
        "en": "I don't know that command.\n\n{menu}",
    },
    # -- commands (setMyCommands) -------------------------------------------------------------
    "cmd.start": {"zh": "开始 / 使用说明", "en": "Start / how it works"},
    "cmd.new": {"zh": "提交诉求", "en": "Submit a request"},
    "cmd.mytickets": {"zh": "我的工单", "en": "My tickets"},
    "cmd.language": {"zh": "切换语言 / Language", "en": "Language / 切换语言"},
    "cmd.mydata": {"zh": "查看我的个人数据", "en": "See my personal data"},
    "cmd.deleteme": {"zh": "删除我的个人数据", "en": "Erase my personal data"},
    "cmd.cancel": {"zh": "取消当前操作", "en": "Cancel the current step"},
    "cmd.help": {"zh": "帮助", "en": "Help"},
    # -- language -----------------------------------------------------------------------------
    "language.prompt": {
        "zh": "请选择语言 / Choose your language:",
        "en": "Choose your language / 请选择语言:",
    },
    "language.set": {
        "zh": "好的，之后我会用中文回复您。",
        "en": "OK, I will answer in English from now on.",
    },
    # -- FAQ ----------------------------------------------------------------------------------
    "faq.answer": {
        "zh": "{answer}{links}\n\n这个回答对您有帮助吗？",
        "en": "{answer}{links}\n\nDid this help?",
    },
    "faq.links": {"zh": "\n\n🔗 相关链接：\n{links}", "en": "\n\n🔗 Links:\n{links}"},
    "btn.helpful_yes": {"zh": "👍 有帮助", "en": "👍 Yes, thanks"},
    "btn.helpful_no": {"zh": "👎 没有帮助", "en": "👎 No"},
    "faq.glad": {
        "zh": "很高兴能帮到您！还有其他问题随时问我。",
        "en": "Glad it helped! Ask me anything else any time.",
    },
    "faq.not_helpful": {
        "zh": "抱歉没能解答您的问题。要把问题提交给{department}吗？工作人员会在规定时限内答复您。",
        "en": "Sorry that did not answer it. Shall I send your question to {department}? Staff will answer you within the committed time.",
    },
    "faq.not_helpful_nodept": {
        "zh": "抱歉没能解答您的问题。要把问题提交给相关部门吗？工作人员会在规定时限内答复您。",
        "en": "Sorry that did not answer it. Shall I send your question to the department in charge? Staff will answer you within the committed time.",
    },
    "faq.suggest": {"zh": "您是想问以下哪个问题？", "en": "Did you mean one of these?"},
    "faq.suggest_outdated": {
        "zh": "您是想问以下哪个问题？其中有的答复可能已过时，正在等待更新；如需确认，可以把问题提交给相关部门。",
        "en": "Did you mean one of these? Some of these answers may be outdated and are waiting for an update; to be sure, you can send your question to the department.",
    },
    "faq.outdated_answer": {
        "zh": "⚠️ 这条答复可能已过时，相关部门正在更新，仅供参考：\n\n{answer}\n\n要把您的问题提交给相关部门确认吗？",
        "en": "⚠️ This answer may be outdated and is being updated by the department; for reference only:\n\n{answer}\n\nShall I send your question to the department to confirm?",
    },
    "btn.none_of_these": {"zh": "都不是", "en": "None of these"},
    "faq.none": {
        "zh": "抱歉，常见问题库中没有找到这个问题的答案。要把问题提交给相关部门吗？工作人员会在规定时限内答复您。",
        "en": "Sorry, I could not find an answer to this in our knowledge base. Shall I send your question to the department in charge? Staff will answer you within the committed time.",
    },
    "btn.submit_question": {"zh": "📝 提交给部门", "en": "📝 Send to a department"},
    "btn.no_thanks": {"zh": "不用了", "en": "No, thanks"},
    "faq.no_ticket": {
        "zh": "好的。您可以换个说法再问，或随时发送 /new 提交诉求。",
        "en": "OK. You can ask again in other words, or send /new to submit a request any time.",
    },
    "faq.expired": {
        "zh": "这个按钮已过期，请重新发送您的问题。",
        "en": "This button has expired; please send your question again.",
    },
    # -- ticket submission --------------------------------------------------------------------
    "flow.describe": {
        "zh": "请用文字描述您的诉求（发生了什么、在哪里、什么时候）。也可以随后补充照片或位置。",
        "en": "Please describe your request in words (what happened, where, when). You can add a photo or your location afterwards.",
    },
    "flow.describe_dept": {
        "zh": "您将向{department}提交诉求。请用文字描述具体情况（发生了什么、在哪里、什么时候）。",
        "en": "Your request will go to {department}. Please describe it in words (what happened, where, when).",
    },
    "flow.need_text": {
        "zh": "请先用文字描述您的诉求，照片和位置可以随后补充。",
        "en": "Please first describe your request in words; photos and location can be added afterwards.",
    },
    "flow.choose_dept": {
        "zh": "请选择负责的部门：",
        "en": "Which department should handle it?",
    },
    "flow.choose_type": {"zh": "请选择诉求类型：", "en": "What kind of request is it?"},
    "flow.draft": {
        "zh": (
            "📋 请确认您的诉求：\n\n"
            "部门：{department}\n类型：{type}\n内容：{text}\n"
            "照片：{photos} 张｜位置：{location}｜联系电话：{phone}\n\n"
            "如需补充，可直接发送文字、照片 📷 或位置 📍。确认无误后请点「提交」。"
        ),
        "en": (
            "📋 Please check your request:\n\n"
            "Department: {department}\nType: {type}\nText: {text}\n"
            "Photos: {photos} | Location: {location} | Phone: {phone}\n\n"
            "To add anything, just send more text, a photo 📷 or your location 📍. "
            "When it is right, tap “Submit”."
        ),
    },
    "flow.yes": {"zh": "已提供", "en": "yes"},
    "flow.no": {"zh": "未提供", "en": "no"},
    "btn.submit": {"zh": "✅ 提交", "en": "✅ Submit"},
    "btn.change_dept": {"zh": "🏢 更换部门", "en": "🏢 Change department"},
    "btn.change_type": {"zh": "🏷 更改类型", "en": "🏷 Change type"},
    "btn.share_phone": {"zh": "📱 留下电话", "en": "📱 Add my phone"},
    "btn.cancel": {"zh": "✖️ 取消", "en": "✖️ Cancel"},
    "btn.type_chosen": {"zh": "✓ {type}", "en": "✓ {type}"},
    "flow.phone_consent": {
        "zh": (
            "如您愿意，可以留下电话号码，方便工作人员需要时与您联系。号码仅用于办理您的诉求，"
            "工作人员默认只看到部分号码；您可以随时用 /deleteme 删除。\n\n"
            "同意请点击下方「📱 同意并发送我的电话」按钮；不同意请点「取消」。"
        ),
        "en": (
            "If you wish, you can leave your phone number so staff can call you if needed. It is "
            "used only to handle your requests, staff see it masked unless they need it, and you "
            "can erase it any time with /deleteme.\n\n"
            "To agree, tap “📱 I agree, send my phone number” below; otherwise tap “Cancel”."
        ),
    },
    "btn.send_contact": {"zh": "📱 同意并发送我的电话", "en": "📱 I agree, send my phone number"},
    "btn.cancel_plain": {"zh": "取消", "en": "Cancel"},
    "flow.phone_saved": {"zh": "✅ 已保存您的电话号码。", "en": "✅ Your phone number is saved."},
    "flow.phone_declined": {"zh": "好的，不留电话。", "en": "OK, no phone number."},
    "flow.phone_not_own": {
        "zh": "请点击按钮发送您自己的电话号码。",
        "en": "Please use the button to send your own phone number.",
    },
    "flow.phone_use_button": {
        "zh": "请点击下方按钮发送电话号码，或点「取消」。",
        "en": "Please tap the button below to send your number, or “Cancel”.",
    },
    "flow.added_text": {"zh": "已补充文字说明。", "en": "Added to the description."},
    "flow.added_photo": {
        "zh": "📷 已添加照片（共 {count} 张）。",
        "en": "📷 Photo added ({count} in all).",
    },
    "flow.added_location": {"zh": "📍 已添加位置。", "en": "📍 Location added."},
    "flow.too_many_photos": {
        "zh": "最多可添加 {max} 张照片。",
        "en": "You can add at most {max} photos.",
    },
    "flow.cancelled": {
        "zh": "已取消，未提交任何内容。有问题随时问我。",
        "en": "Cancelled; nothing was submitted. Ask me anything any time.",
    },
    "flow.nothing_to_cancel": {"zh": "当前没有进行中的操作。", "en": "There is nothing to cancel."},
    "flow.no_dept": {
        "zh": "请先选择部门。",
        "en": "Please choose a department first.",
    },
    "flow.expired": {
        "zh": "这个按钮已失效，请发送 /new 重新开始。",
        "en": "This button is no longer active; send /new to start again.",
    },
    "flow.failed": {
        "zh": "提交失败：{reason}",
        "en": "Could not submit: {reason}",
    },
    # -- my tickets ---------------------------------------------------------------------------
    "my.header": {
        "zh": "📂 您的工单（共 {total} 件，第 {page}/{pages} 页）：",
        "en": "📂 Your tickets ({total} in all, page {page}/{pages}):",
    },
    "my.line": {
        "zh": "{number}｜{department}｜{status}｜{due_label}{due}",
        "en": "{number} | {department} | {status} | {due_label}{due}",
    },
    "my.due_response": {"zh": "答复期限 ", "en": "answer by "},
    "my.due_resolution": {"zh": "办结期限 ", "en": "resolve by "},
    "my.closed_at": {"zh": "办结于 ", "en": "closed "},
    "my.empty": {
        "zh": "您还没有提交过诉求。直接提问，或发送 /new 提交诉求。",
        "en": "You have no tickets yet. Ask a question, or send /new to submit a request.",
    },
    "my.ticket": {
        "zh": "🎫 工单 {number}\n部门：{department}\n类型：{type}\n状态：{status}\n提交时间：{created}\n{due_label}{due}{rating}\n\n对话记录：\n{conversation}",
        "en": "🎫 Ticket {number}\nDepartment: {department}\nType: {type}\nStatus: {status}\nSubmitted: {created}\n{due_label}{due}{rating}\n\nConversation:\n{conversation}",
    },
    "my.rating": {"zh": "\n评价：{stars}", "en": "\nRating: {stars}"},
    "my.event_you": {"zh": "🙋 {at} 您：{text}", "en": "🙋 {at} You: {text}"},
    "my.event_staff": {"zh": "🏛 {at} 工作人员：{text}", "en": "🏛 {at} Staff: {text}"},
    "my.event_ask": {"zh": "❓ {at} 工作人员请您补充：{text}", "en": "❓ {at} Staff asked: {text}"},
    "my.attachments": {
        "zh": "（附照片 {photos} 张{location}）",
        "en": "(with {photos} photo(s){location})",
    },
    "my.with_location": {"zh": "、位置", "en": " and a location"},
    "btn.prev": {"zh": "⬅️ 上一页", "en": "⬅️ Previous"},
    "btn.next": {"zh": "下一页 ➡️", "en": "Next ➡️"},
    "btn.back_list": {"zh": "↩️ 返回列表", "en": "↩️ Back to the list"},
    # -- ticket actions -----------------------------------------------------------------------
    "tk.followup_prompt": {
        "zh": "请发送您要补充给工单 {number} 的内容（发送 /cancel 取消）：",
        "en": "Send what you want to add to ticket {number} (or /cancel):",
    },
    "tk.resolved": {"zh": "感谢确认！", "en": "Thank you for confirming!"},
    "tk.reopened": {
        "zh": "🔄 工单 {number} 已重新打开，已通知承办部门。",
        "en": "🔄 Ticket {number} is reopened; the department has been told.",
    },
    "tk.comment_prompt": {
        "zh": "感谢您的评分 {stars}！如愿意，可以再写几句意见（可选）：",
        "en": "Thank you for rating {stars}! If you like, add a short comment (optional):",
    },
    "btn.skip": {"zh": "跳过", "en": "Skip"},
    "tk.comment_thanks": {
        "zh": "感谢您的意见，我们会认真改进。",
        "en": "Thank you for your comment; it helps us improve.",
    },
    "tk.skipped": {"zh": "好的，感谢评价！", "en": "OK, thank you for rating!"},
    # -- personal data ------------------------------------------------------------------------
    "data.none": {
        "zh": "我们没有保存您的任何个人数据。",
        "en": "We do not store any personal data about you.",
    },
    "data.show": {
        "zh": (
            "🗂 我们保存的关于您的数据：\n"
            "Telegram ID：{user_id}\n名字：{name}\n电话：{phone}\n同意提供电话时间：{consent}\n"
            "语言设置：{language}\n首次联系：{created}\n最近联系：{seen}\n工单：{tickets}\n\n{privacy}"
        ),
        "en": (
            "🗂 What we store about you:\n"
            "Telegram ID: {user_id}\nName: {name}\nPhone: {phone}\nPhone consent given: {consent}\n"
            "Language setting: {language}\nFirst contact: {created}\nLast contact: {seen}\n"
            "Tickets: {tickets}\n\n{privacy}"
        ),
    },
    "data.unset": {"zh": "无", "en": "none"},
    "data.lang_auto": {"zh": "自动（跟随 Telegram）", "en": "automatic (from Telegram)"},
    "delete.confirm": {
        "zh": (
            "确定要删除您的个人数据吗？我们将删除您的 Telegram ID、名字、电话和语言设置。"
            "您的工单会作为政务档案保留，但不再与您关联，您也将无法再收到这些工单的答复。此操作无法撤销。"
        ),
        "en": (
            "Do you really want to erase your personal data? We will delete your Telegram ID, "
            "name, phone number and language setting. Your tickets stay in the city's records but "
            "are no longer linked to you, and you will no longer receive answers on them. This "
            "cannot be undone."
        ),
    },
    "btn.delete_yes": {"zh": "🗑 确认删除", "en": "🗑 Yes, erase my data"},
    "btn.delete_no": {"zh": "保留", "en": "No, keep it"},
    "delete.done": {
        "zh": "✅ 您的个人数据已删除（{tickets} 件工单已匿名化）。如再次联系我们，将作为新用户处理。",
        "en": "✅ Your personal data has been erased ({tickets} ticket(s) anonymised). If you write again you will be treated as a new user.",
    },
    "delete.kept": {"zh": "好的，未做任何删除。", "en": "OK, nothing was deleted."},
    # -- flood, non-text, misc ----------------------------------------------------------------
    "flood": {
        "zh": "您发送得太快了，请稍等片刻再发。我们会处理您的每一条有效消息。",
        "en": "You are sending messages too quickly; please wait a moment before sending more.",
    },
    "hint.photo": {
        "zh": "收到照片。我无法从照片中识别问题：如需报告问题，可以提交诉求并附上这张照片。",
        "en": "Got your photo. I cannot read questions from pictures: to report a problem, submit a request and this photo will be attached.",
    },
    "hint.location": {
        "zh": "收到位置。如需报告该地点的问题，可以提交诉求并附上这个位置。",
        "en": "Got your location. To report a problem at this place, submit a request and the location will be attached.",
    },
    "hint.contact": {
        "zh": "如需留下电话，请在提交诉求时点击「📱 留下电话」。",
        "en": "To leave a phone number, tap “📱 Add my phone” while submitting a request.",
    },
    "hint.other": {
        "zh": "抱歉，我只能读懂文字消息。请用文字写下您的问题，或发送 /new 提交诉求。",
        "en": "Sorry, I can only read text messages. Please write your question in words, or send /new to submit a request.",
    },
    "btn.new_with_attachment": {"zh": "📝 提交诉求", "en": "📝 Submit a request"},
    "stale": {"zh": "这个按钮已失效。", "en": "This button is no longer valid."},
}


def tr(lang: str | None, key: str, **params: Any) -> str:
    """The citizen text ``key`` in ``lang`` (zh unless "en"), formatted with ``params``."""
    entry = CITIZEN_TEXTS[key]
    text = entry["en"] if lang == "en" else entry["zh"]
    return text.format(**params) if params else text
