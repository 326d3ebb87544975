"""A tiny message catalogue for the ticket domain, in zh and en.

``t(lang, key, **params)`` looks ``key`` up for ``lang`` (``"zh-hans"``, ``"zh-CN"`` count as
``zh``; ``"en-US"`` as ``en``) and formats it with ``params`` (``str.format``). When the key has
no text in the requested language (or the language is unknown) it falls back to zh, the city's
default language. An unknown key raises ``KeyError``: a typo must fail tests, not reach a user.
Every key has both zh and en (asserted by the tests).
"""

from __future__ import annotations

from typing import Any

__all__ = ["CATALOGUE", "DEFAULT_LANG", "LANGS", "normalize_lang", "t"]

DEFAULT_LANG = "zh"
LANGS = ("zh", "en")


def normalize_lang(lang: str | None) -> str:
    """``"zh-hans"`` -> ``"zh"``, ``"en-GB"`` -> ``"en"``, anything else -> the default (zh)."""
    if not lang:
        return DEFAULT_LANG
    base = lang.strip().lower().replace("_", "-").split("-", 1)[0]
    return base if base in LANGS else DEFAULT_LANG


def t(lang: str | None, key: str, **params: Any) -> str:
    """The text of ``key`` in ``lang`` (fallback zh), formatted with ``params``."""
    entry = CATALOGUE[key]
    text = entry.get(normalize_lang(lang)) or entry[DEFAULT_LANG]
    return text.format(**params) if params else text


CATALOGUE: dict[str, dict[str, str]] = {
    # -- statuses -------------------------------------------------------------------------------
    "status.new": {"zh": "待受理", "en": "new"},
    "status.in_progress": {"zh": "处理中", "en": "in progress"},
    "status.waiting_citizen": {"zh": "等待市民补充信息", "en": "waiting for the citizen"},
    "status.answered": {"zh": "已答复", "en": "answered"},
    "status.closed": {"zh": "已办结", "en": "closed"},
    # -- actions (for "cannot <action>" messages) ----------------------------------------------
    "action.take": {"zh": "接单", "en": "take"},
    "action.reply": {"zh": "回复", "en": "reply to"},
    "action.note": {"zh": "添加内部备注", "en": "add a note to"},
    "action.ask_info": {"zh": "请市民补充信息", "en": "ask for information on"},
    "action.transfer": {"zh": "转办", "en": "transfer"},
    "action.close": {"zh": "办结", "en": "close"},
    "action.reopen": {"zh": "重新打开", "en": "reopen"},
    "action.extend": {"zh": "申请延期", "en": "request an extension for"},
    "action.approve_extension": {"zh": "批准延期", "en": "approve an extension for"},
    "action.refuse_extension": {"zh": "驳回延期", "en": "refuse an extension for"},
    "action.follow_up": {"zh": "追加留言", "en": "follow up on"},
    "action.confirm": {"zh": "确认已解决", "en": "confirm as resolved"},
    "action.rate": {"zh": "评价", "en": "rate"},
    "action.retype": {"zh": "更正诉求类型", "en": "change the request type of"},
    "action.reveal": {"zh": "查看联系方式", "en": "reveal the contact of"},
    "action.mark_urgent": {"zh": "更改紧急标记", "en": "change the urgent flag of"},
    "action.assign": {"zh": "指派", "en": "assign"},
    # -- demand types ---------------------------------------------------------------------------
    "type.consultation": {"zh": "咨询", "en": "consultation"},
    "type.help": {"zh": "求助", "en": "request for help"},
    "type.complaint": {"zh": "投诉", "en": "complaint"},
    "type.report": {"zh": "举报", "en": "report"},
    "type.suggestion": {"zh": "建议", "en": "suggestion"},
    # -- errors ---------------------------------------------------------------------------------
    "error.generic": {
        "zh": "操作失败，请稍后再试。",
        "en": "Something went wrong; please try again.",
    },
    "error.unavailable": {
        "zh": "该工单不存在，或您无权查看或处理。",
        "en": "This ticket does not exist or you are not allowed to see or act on it.",
    },
    "error.not_allowed": {"zh": "您无权执行此操作。", "en": "You are not allowed to do this."},
    "error.conflict": {
        "zh": "工单 {number} 刚被他人更新，请刷新后再试。",
        "en": "Ticket {number} was just changed by someone else; please look again.",
    },
    "error.already_taken": {
        "zh": "工单 {number} 已由 {name} 接单。",
        "en": "Ticket {number} has already been taken by {name}.",
    },
    "error.invalid_transition": {
        "zh": "无法{action}工单 {number}：当前状态为「{status}」。",
        "en": "Cannot {action} ticket {number}: it is {status}.",
    },
    "error.invalid": {"zh": "输入无效。", "en": "Invalid input."},
    "error.empty_text": {"zh": "内容不能为空。", "en": "The text must not be empty."},
    "error.text_too_long": {
        "zh": "内容过长（最多 {max} 个字符）。",
        "en": "The text is too long (at most {max} characters).",
    },
    "error.bad_ticket_ref": {
        "zh": "「{ref}」不是有效的工单编号（例如 2026-000123）。",
        "en": "“{ref}” is not a ticket number (e.g. 2026-000123).",
    },
    "error.unknown_department": {
        "zh": "没有「{slug}」这个部门。",
        "en": "There is no department “{slug}”.",
    },
    "error.same_department": {
        "zh": "工单已在该部门。",
        "en": "The ticket is already with that department.",
    },
    "error.bad_demand_type": {
        "zh": "诉求类型「{value}」无效，可选：{allowed}。",
        "en": "“{value}” is not a request type; choose one of: {allowed}.",
    },
    "error.not_assignable": {
        "zh": "只能指派给本部门在职的工作人员。",
        "en": "A ticket can only be assigned to active staff of its department.",
    },
    "error.same_assignee": {
        "zh": "工单 {number} 已由此人负责。",
        "en": "Ticket {number} is already assigned to this person.",
    },
    "error.same_demand_type": {
        "zh": "诉求类型未改变。",
        "en": "The request type is unchanged.",
    },
    "error.bad_rating": {"zh": "评分须为 1 到 5。", "en": "The rating must be 1 to 5."},
    "error.already_rated": {
        "zh": "您已评价过该工单。",
        "en": "You have already rated this ticket.",
    },
    "error.same_urgency": {
        "zh": "工单 {number} 的紧急标记未改变（{state}）。",
        "en": "The urgent flag of ticket {number} is unchanged ({state}).",
    },
    "error.bad_days": {
        "zh": "延期天数须为 1 到 {max} 个工作日。",
        "en": "The extension must be 1 to {max} working days.",
    },
    "error.reason_required": {"zh": "请说明理由。", "en": "Please give a reason."},
    "error.deadline_passed": {
        "zh": "办结期限（{deadline}）已过，不能再申请延期。",
        "en": "The deadline ({deadline}) has passed; an extension can only be requested before it.",
    },
    "error.extension_pending": {
        "zh": "该工单已有待审批的延期申请。",
        "en": "An extension request for this ticket is already waiting for a decision.",
    },
    "error.no_pending_extension": {
        "zh": "该工单没有待审批的延期申请。",
        "en": "There is no extension request waiting for a decision on this ticket.",
    },
    "error.reopen_expired": {
        "zh": "工单办结已超过 {days} 天，无法重新打开，请提交新的诉求。",
        "en": "The ticket was closed more than {days} days ago and cannot be reopened; please send a new request.",
    },
    "error.bad_page": {"zh": "页码无效。", "en": "Invalid page."},
    # -- buttons --------------------------------------------------------------------------------
    "btn.take": {"zh": "✋ 接单", "en": "✋ Take"},
    "btn.reply": {"zh": "💬 回复", "en": "💬 Reply"},
    "btn.transfer": {"zh": "↪️ 转办", "en": "↪️ Transfer"},
    "btn.resolved": {"zh": "✅ 已解决", "en": "✅ Resolved"},
    "btn.follow_up": {"zh": "💬 继续追问", "en": "💬 Follow up"},
    "btn.reopen": {"zh": "🔄 重新打开", "en": "🔄 Reopen"},
    "btn.add_info": {"zh": "📝 补充信息", "en": "📝 Add information"},
    "btn.approve": {"zh": "✅ 批准延期", "en": "✅ Approve"},
    "btn.refuse": {"zh": "❌ 不予批准", "en": "❌ Refuse"},
    "btn.rate": {"zh": "{stars}", "en": "{stars}"},
    # -- labels ---------------------------------------------------------------------------------
    "label.citizen": {"zh": "市民", "en": "Citizen"},
    "label.urgent": {"zh": "🚨 紧急", "en": "🚨 URGENT"},
    "label.urgent_yes": {"zh": "紧急", "en": "urgent"},
    "label.urgent_no": {"zh": "非紧急", "en": "not urgent"},
    "label.none": {"zh": "无", "en": "none"},
    "label.phone_hidden": {"zh": "未提供电话", "en": "no phone given"},
    # -- staff notifications --------------------------------------------------------------------
    "staff.ticket_body": {
        "zh": (
            "工单 {number}｜{department}\n类型：{type}{urgent}\n来自：{citizen}\n"
            "答复期限：{response_due}\n办结期限：{resolution_due}\n\n{text}"
        ),
        "en": (
            "Ticket {number} | {department}\nType: {type}{urgent}\nFrom: {citizen}\n"
            "Respond by: {response_due}\nResolve by: {resolution_due}\n\n{text}"
        ),
    },
    "staff.new_ticket": {"zh": "🆕 新工单\n{body}", "en": "🆕 New ticket\n{body}"},
    "admin.faq_reload_failed": {
        "zh": "⚠️ FAQ 文件已修改但有 {count} 个问题，仍使用原知识库：\n{problems}",
        "en": "⚠️ The FAQ files changed but have {count} problem(s); the previous knowledge base stays live:\n{problems}",
    },
    "staff.attachment": {"zh": "📎 工单 {number} 的附件", "en": "📎 Attachment to ticket {number}"},
    "staff.transferred_in": {
        "zh": "↪️ 由「{from_department}」转来：{reason}\n{body}",
        "en": "↪️ Transferred from {from_department}: {reason}\n{body}",
    },
    "staff.assigned": {
        "zh": "👤 {staff} 将工单 {number} 指派给 {assignee}",
        "en": "👤 {staff} assigned ticket {number} to {assignee}",
    },
    "staff.assigned_to_you": {
        "zh": "👤 {staff} 将工单 {number} 指派给您。",
        "en": "👤 {staff} assigned ticket {number} to you.",
    },
    "staff.taken": {
        "zh": "✋ {staff} 已接单：工单 {number}",
        "en": "✋ {staff} took ticket {number}",
    },
    "staff.follow_up": {
        "zh": "💬 市民就工单 {number} 追加留言：\n{text}",
        "en": "💬 The citizen followed up on ticket {number}:\n{text}",
    },
    "staff.info_received": {
        "zh": "📝 市民已补充工单 {number} 的信息，计时恢复；新的办结期限：{resolution_due}\n{text}",
        "en": "📝 The citizen answered on ticket {number}; the clock runs again, resolve by {resolution_due}\n{text}",
    },
    "staff.reopened_by_citizen": {
        "zh": "🔄 市民重新打开了工单 {number}。",
        "en": "🔄 The citizen reopened ticket {number}.",
    },
    "staff.not_resolved": {
        "zh": "🔄 市民表示工单 {number} 的问题尚未解决。",
        "en": "🔄 The citizen says ticket {number} is not resolved.",
    },
    "staff.confirmed": {
        "zh": "✅ 市民确认工单 {number} 已解决，工单已办结。",
        "en": "✅ The citizen confirmed ticket {number} as resolved; it is closed.",
    },
    "staff.rated": {
        "zh": "⭐ 市民对工单 {number} 的评价：{rating}/5 {comment}",
        "en": "⭐ The citizen rated ticket {number}: {rating}/5 {comment}",
    },
    "staff.extension_request": {
        "zh": (
            "⏳ {staff} 申请将工单 {number} 延期 {days} 个工作日：\n"
            "办结期限 {old_deadline} → {new_deadline}\n理由：{reason}"
        ),
        "en": (
            "⏳ {staff} asks to extend ticket {number} by {days} working days:\n"
            "resolve by {old_deadline} → {new_deadline}\nReason: {reason}"
        ),
    },
    "staff.extension_approved": {
        "zh": "✅ 工单 {number} 延期已批准，新的办结期限：{deadline}",
        "en": "✅ Extension of ticket {number} approved; resolve by {deadline}",
    },
    "staff.extension_refused": {
        "zh": "❌ 工单 {number} 的延期申请未获批准。{reason}",
        "en": "❌ Extension of ticket {number} refused. {reason}",
    },
    # -- citizen notifications ------------------------------------------------------------------
    "citizen.created": {
        "zh": "您的诉求已登记，工单编号 {number}。我们将在 {response_due} 前答复您。",
        "en": "Your request is registered as ticket {number}. We will respond by {response_due}.",
    },
    "citizen.reply": {
        "zh": "💬 关于您的工单 {number}，{department}答复如下：\n\n{text}",
        "en": "💬 {department} replied on your ticket {number}:\n\n{text}",
    },
    "citizen.ask_info": {
        "zh": "❓ 关于您的工单 {number}，{department}需要您补充信息：\n\n{text}\n\n请点击下方按钮后回复。",
        "en": "❓ {department} needs more information on your ticket {number}:\n\n{text}\n\nTap the button below, then send your answer.",
    },
    "citizen.transferred": {
        "zh": "↪️ 您的工单 {number} 已转至{department}处理。",
        "en": "↪️ Your ticket {number} has been transferred to {department}.",
    },
    "citizen.closed": {
        "zh": "✅ 您的工单 {number} 已办结。{resolution}\n欢迎为本次服务评分：",
        "en": "✅ Your ticket {number} is closed. {resolution}\nPlease rate our service:",
    },
    "citizen.reopened": {
        "zh": "🔄 您的工单 {number} 已重新打开，我们会继续处理。",
        "en": "🔄 Your ticket {number} has been reopened; we are working on it again.",
    },
    "citizen.extended": {
        "zh": "⏳ 您的工单 {number} 办结期限延长至 {deadline}。原因：{reason}",
        "en": "⏳ The deadline of your ticket {number} is extended to {deadline}. Reason: {reason}",
    },
    "citizen.followup_received": {
        "zh": "已将您的留言转给工单 {number} 的承办人员。",
        "en": "Your message has been added to ticket {number} and passed on.",
    },
    "citizen.thanks_rating": {
        "zh": "感谢您对工单 {number} 的评价！",
        "en": "Thank you for rating ticket {number}!",
    },
    # -- ticket views ---------------------------------------------------------------------------
    "view.status": {"zh": "状态：{status}", "en": "Status: {status}"},
    "view.queue_line": {
        "zh": "{number}｜{status}｜{type}{urgent}｜期限 {deadline}",
        "en": "{number} | {status} | {type}{urgent} | due {deadline}",
    },
    "view.queue_header": {
        "zh": "{department} 待办工单（共 {total} 件，第 {page}/{pages} 页）",
        "en": "{department} open tickets ({total} in all, page {page}/{pages})",
    },
    "view.queue_empty": {"zh": "没有待办工单。", "en": "No open tickets."},
}
