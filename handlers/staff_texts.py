"""Texts of the staff and admin commands, in zh and en.

The keys are registered into the ticket domain's catalogue (:data:`tickets.i18n.CATALOGUE`),
so handlers use the one function :func:`tickets.i18n.t` for every text, and the catalogue's
test (every key has zh and en) covers these too. Keys start with ``sh.`` (staff handlers).
"""

from __future__ import annotations

from tickets.i18n import CATALOGUE, t

__all__ = ["STAFF_TEXTS", "event_label", "register", "t"]

STAFF_TEXTS: dict[str, dict[str, str]] = {
    # -- usage ----------------------------------------------------------------------------------
    "sh.usage.queue": {"zh": "用法：/queue [页码]", "en": "Usage: /queue [PAGE]"},
    "sh.usage.queue_admin": {
        "zh": "用法：/queue [部门] [页码]",
        "en": "Usage: /queue [DEPARTMENT] [PAGE]",
    },
    "sh.usage.ticket": {"zh": "用法：/ticket 工单编号", "en": "Usage: /ticket NUMBER"},
    "sh.usage.take": {"zh": "用法：/take 工单编号", "en": "Usage: /take NUMBER"},
    "sh.usage.reply": {
        "zh": "用法：/reply 工单编号 答复内容（或在工作群里直接回复工单消息）",
        "en": "Usage: /reply NUMBER TEXT (or reply to the ticket's message in the staff chat)",
    },
    "sh.usage.note": {
        "zh": "用法：/note 工单编号 内部备注（市民看不到）",
        "en": "Usage: /note NUMBER TEXT (internal, never shown to the citizen)",
    },
    "sh.usage.transfer": {
        "zh": "用法：/transfer 工单编号 [部门代码 理由]",
        "en": "Usage: /transfer NUMBER [DEPARTMENT REASON]",
    },
    "sh.usage.close": {
        "zh": "用法：/close 工单编号 [办结说明]",
        "en": "Usage: /close NUMBER [RESOLUTION]",
    },
    "sh.usage.reopen": {
        "zh": "用法：/reopen 工单编号 [理由]",
        "en": "Usage: /reopen NUMBER [REASON]",
    },
    "sh.usage.extend": {
        "zh": "用法：/extend 工单编号 工作日天数 理由",
        "en": "Usage: /extend NUMBER DAYS REASON",
    },
    "sh.usage.askinfo": {
        "zh": "用法：/askinfo 工单编号 需要市民补充的问题",
        "en": "Usage: /askinfo NUMBER QUESTION",
    },
    "sh.usage.type": {
        "zh": "用法：/type 工单编号 consultation|help|complaint|report|suggestion",
        "en": "Usage: /type NUMBER consultation|help|complaint|report|suggestion",
    },
    "sh.usage.contact": {"zh": "用法：/contact 工单编号", "en": "Usage: /contact NUMBER"},
    "sh.usage.staffmove": {
        "zh": "用法：/staffmove 用户ID 部门代码",
        "en": "Usage: /staffmove USER_ID DEPARTMENT",
    },
    "sh.usage.staffoff": {"zh": "用法：/staffoff 用户ID", "en": "Usage: /staffoff USER_ID"},
    "sh.usage.staff": {"zh": "用法：/staff [部门代码]", "en": "Usage: /staff [DEPARTMENT]"},
    "sh.usage.gaps": {"zh": "用法：/gaps [天数]", "en": "Usage: /gaps [DAYS]"},
    "sh.usage.stale": {"zh": "用法：/stale", "en": "Usage: /stale"},
    # -- input errors ---------------------------------------------------------------------------
    "sh.bad_days": {
        "zh": "「{value}」不是有效的天数（1 到 {max} 的整数）。",
        "en": "“{value}” is not a number of days (a whole number from 1 to {max}).",
    },
    "sh.bad_user_id": {
        "zh": "「{value}」不是有效的 Telegram 用户 ID。",
        "en": "“{value}” is not a Telegram user id.",
    },
    "sh.urgent_unsupported": {
        "zh": "紧急标记无法通过 /type 修改，只更正诉求类型。",
        "en": "The urgent flag cannot be changed with /type; only the request type is corrected.",
    },
    "sh.stale_button": {
        "zh": "这个按钮已失效，请重新操作。",
        "en": "This button is no longer valid; please start again.",
    },
    "sh.not_staff": {
        "zh": "您无权执行此操作。",
        "en": "You are not allowed to do this.",
    },
    "sh.admin_only": {
        "zh": "只有管理员可以执行此操作。",
        "en": "Only administrators can do this.",
    },
    "sh.unknown_staff": {
        "zh": "没有 Telegram 用户 ID 为 {user_id} 的工作人员。",
        "en": "There is no staff member with Telegram user id {user_id}.",
    },
    "sh.already_inactive": {
        "zh": "工作人员 {user_id} 已停用。",
        "en": "Staff member {user_id} is already inactive.",
    },
    "sh.unknown_department_known": {
        "zh": "没有「{slug}」这个部门。可选：{known}",
        "en": "There is no department “{slug}”. Known: {known}",
    },
    # -- results --------------------------------------------------------------------------------
    "sh.taken": {"zh": "✋ 您已接单：工单 {number}", "en": "✋ You took ticket {number}."},
    "sh.replied": {
        "zh": "✅ 已将答复发送给市民（工单 {number}）。",
        "en": "✅ Your reply on ticket {number} was sent to the citizen.",
    },
    "sh.noted": {
        "zh": "📝 已添加内部备注（工单 {number}，市民看不到）。",
        "en": "📝 Internal note added to ticket {number} (never shown to the citizen).",
    },
    "sh.asked": {
        "zh": "❓ 已请市民补充信息（工单 {number}），计时暂停。",
        "en": "❓ The citizen was asked for information on ticket {number}; the clock is paused.",
    },
    "sh.transferred": {
        "zh": "↪️ 工单 {number} 已转至「{department}」。",
        "en": "↪️ Ticket {number} was transferred to {department}.",
    },
    "sh.closed": {"zh": "✅ 工单 {number} 已办结。", "en": "✅ Ticket {number} is closed."},
    "sh.reopened": {
        "zh": "🔄 工单 {number} 已重新打开（状态：{status}）。",
        "en": "🔄 Ticket {number} was reopened ({status}).",
    },
    "sh.extension_requested": {
        "zh": "⏳ 已提交延期申请（工单 {number}，{days} 个工作日），等待负责人审批。",
        "en": "⏳ Extension of ticket {number} by {days} working days requested; waiting for the head.",
    },
    "sh.extension_approved": {
        "zh": "✅ 已批准工单 {number} 的延期，新的办结期限：{deadline}",
        "en": "✅ Extension of ticket {number} approved; resolve by {deadline}",
    },
    "sh.extension_refused": {
        "zh": "❌ 已驳回工单 {number} 的延期申请。",
        "en": "❌ Extension of ticket {number} refused.",
    },
    "sh.retyped": {
        "zh": "🏷️ 工单 {number} 的类型已更正为「{type}」，办结期限：{deadline}",
        "en": "🏷️ Ticket {number} is now a {type}; resolve by {deadline}",
    },
    "sh.contact": {
        "zh": "🔓 工单 {number} 的市民联系方式（已记入审计记录）：\n姓名：{name}\n电话：{phone}\nTelegram：{telegram}",
        "en": "🔓 Contact of the citizen on ticket {number} (recorded in the audit trail):\nName: {name}\nPhone: {phone}\nTelegram: {telegram}",
    },
    "sh.contact_sent_privately": {
        "zh": "🔓 联系方式已私信发给您（已记入审计记录）。",
        "en": "🔓 The contact was sent to you in a private message (recorded in the audit trail).",
    },
    "sh.cancelled": {"zh": "已取消。", "en": "Cancelled."},
    "sh.nothing_to_cancel": {"zh": "没有进行中的操作。", "en": "Nothing to cancel."},
    # -- prompts --------------------------------------------------------------------------------
    "sh.reply_prompt": {
        "zh": "💬 请输入对工单 {number} 的答复（在群里请直接回复本消息）。{canned}",
        "en": "💬 Write your reply to ticket {number} (in a group, reply to this message).{canned}",
    },
    "sh.reply_prompt_canned": {
        "zh": "\n也可以选择下方的常用答复。",
        "en": "\nOr pick one of the canned replies below.",
    },
    "sh.canned_preview": {
        "zh": "📋 常用答复「{title}」（工单 {number}）：\n\n{text}\n\n点击「原样发送」，或发送修改后的文字。",
        "en": "📋 Canned reply “{title}” (ticket {number}):\n\n{text}\n\nPress “Send as is”, or send your edited text.",
    },
    "sh.transfer_pick": {
        "zh": "↪️ 将工单 {number} 转至哪个部门？",
        "en": "↪️ Transfer ticket {number} to which department?",
    },
    "sh.transfer_reason_prompt": {
        "zh": "↪️ 请输入将工单 {number} 转至「{department}」的理由（在群里请直接回复本消息）。",
        "en": "↪️ Why transfer ticket {number} to {department}? (In a group, reply to this message.)",
    },
    "sh.no_other_departments": {
        "zh": "没有可转办的其他部门。",
        "en": "There is no other department to transfer to.",
    },
    # -- buttons --------------------------------------------------------------------------------
    "sh.btn.cancel": {"zh": "✖️ 取消", "en": "✖️ Cancel"},
    "sh.btn.send": {"zh": "📤 原样发送", "en": "📤 Send as is"},
    "sh.btn.prev": {"zh": "◀", "en": "◀"},
    "sh.btn.next": {"zh": "▶", "en": "▶"},
    # -- views ----------------------------------------------------------------------------------
    "sh.all_departments": {"zh": "全部部门", "en": "All departments"},
    "sh.queue_item": {
        "zh": "{line}｜{assignee}",
        "en": "{line} | {assignee}",
    },
    "sh.unassigned": {"zh": "未接单", "en": "unassigned"},
    "sh.details_header": {
        "zh": (
            "📄 工单 {number}｜{department}\n状态：{status}｜类型：{type}{urgent}\n"
            "来自：{citizen}\n承办人：{assignee}\n"
            "答复期限：{response_due}｜办结期限：{resolution_due}\n\n{text}"
        ),
        "en": (
            "📄 Ticket {number} | {department}\nStatus: {status} | Type: {type}{urgent}\n"
            "From: {citizen}\nAssignee: {assignee}\n"
            "Respond by: {response_due} | Resolve by: {resolution_due}\n\n{text}"
        ),
    },
    "sh.details_conversation": {"zh": "💬 对话", "en": "💬 Conversation"},
    "sh.details_notes": {"zh": "📝 内部备注", "en": "📝 Internal notes"},
    "sh.details_audit": {"zh": "🧾 操作记录", "en": "🧾 Audit trail"},
    "sh.details_none": {"zh": "（无）", "en": "(none)"},
    "sh.actor.citizen": {"zh": "市民", "en": "citizen"},
    "sh.actor.system": {"zh": "系统", "en": "system"},
    "sh.staff_header": {"zh": "👥 工作人员（{count} 人）", "en": "👥 Staff ({count})"},
    "sh.staff_line": {
        "zh": "{user_id}｜{name}｜{department}｜{role}{inactive}",
        "en": "{user_id} | {name} | {department} | {role}{inactive}",
    },
    "sh.staff_inactive": {"zh": "（已停用）", "en": " (inactive)"},
    "sh.staff_none": {"zh": "还没有工作人员。", "en": "There are no staff members yet."},
    "sh.staff_moved": {
        "zh": "✅ 已将 {name}（{user_id}）调至「{department}」。",
        "en": "✅ {name} ({user_id}) now works for {department}.",
    },
    "sh.staff_off": {
        "zh": "✅ 已停用 {name}（{user_id}）。",
        "en": "✅ {name} ({user_id}) can no longer act as staff.",
    },
    "sh.reload_result": {
        "zh": "🔄 重新加载（有问题的部分保留原版本）：\n{lines}",
        "en": "🔄 Reload (whatever has problems keeps its live version):\n{lines}",
    },
    "sh.reload_unavailable": {"zh": "未配置", "en": "not configured"},
    "sh.gaps_head": {
        "zh": "🕳️ 最近 {days} 天常见问题未能解答的问题（最大的 {count} 类）：",
        "en": "🕳️ What the FAQ could not answer in the last {days} days ({count} largest groups):",
    },
    "sh.gaps_line": {
        "zh": "{rank}. {count} 次：{questions}\n   转工单：{departments}；建议条目：{id}",
        "en": "{rank}. {count}×: {questions}\n   tickets: {departments}; suggested entry: {id}",
    },
    "sh.gaps_tail": {
        "zh": "新条目的YAML草稿：citizen-desk gaps --clusters --days {days}",
        "en": "YAML drafts of new entries: citizen-desk gaps --clusters --days {days}",
    },
    "sh.gaps_none": {
        "zh": "最近 {days} 天没有未解答的问题。",
        "en": "No unanswered questions in the last {days} days.",
    },
    "sh.stale_head": {
        "zh": "🗂️ {count} 条常见问题需要复核（复核期限 {days} 天）：",
        "en": "🗂️ {count} FAQ entries need a review (review age {days} days):",
    },
    "sh.stale_expired": {
        "zh": "• {id}（{owner}）已于 {day} 过期，不再直接答复",
        "en": "• {id} ({owner}) expired on {day}; no longer given as an answer",
    },
    "sh.stale_expiring": {
        "zh": "• {id}（{owner}）将于 {day} 过期",
        "en": "• {id} ({owner}) expires on {day}",
    },
    "sh.stale_stale": {
        "zh": "• {id}（{owner}）上次复核于 {day}",
        "en": "• {id} ({owner}) last reviewed on {day}",
    },
    "sh.stale_unreviewed": {
        "zh": "• {id}（{owner}）没有复核日期",
        "en": "• {id} ({owner}) has no review date",
    },
    "sh.stale_more": {"zh": "……另有 {count} 条", "en": "… and {count} more"},
    "sh.stale_none": {
        "zh": "✅ 所有常见问题都在 {days} 天内复核过，没有过期条目。",
        "en": "✅ Every FAQ entry was reviewed within {days} days and none has expired.",
    },
    "sh.stale_no_faq": {"zh": "知识库未加载。", "en": "The FAQ is not loaded."},
    # -- onboarding -----------------------------------------------------------------------------
    "sh.welcome_staff": {
        "zh": "👋 {name}，欢迎加入「{department}」（{role}）！\n\n{help}",
        "en": "👋 Welcome, {name}! You are now {role} of {department}.\n\n{help}",
    },
    "sh.role.clerk": {"zh": "办理人员", "en": "a clerk"},
    "sh.role.head": {"zh": "部门负责人", "en": "the head"},
    "sh.role.admin": {"zh": "管理员", "en": "an administrator"},
    "sh.invite.unknown": {
        "zh": "这个邀请链接无效。请向管理员索取新的链接。",
        "en": "This invite link is not valid. Please ask an administrator for a new one.",
    },
    "sh.invite.expired": {
        "zh": "这个邀请链接已过期。请向管理员索取新的链接。",
        "en": "This invite link has expired. Please ask an administrator for a new one.",
    },
    "sh.invite.used": {
        "zh": "这个邀请链接已被使用过（每个链接只能用一次）。请向管理员索取新的链接。",
        "en": "This invite link has already been used (each link works once). Please ask an administrator for a new one.",
    },
    "sh.invite.department_inactive": {
        "zh": "这个邀请链接对应的部门已停用。请联系管理员。",
        "en": "The department of this invite link is no longer active. Please contact an administrator.",
    },
    "sh.help": {
        "zh": (
            "工作人员命令（工单编号如 2026-000123，或只写 123 表示今年的第 123 号）：\n"
            "/queue — 本部门待办工单（按期限排序，可翻页）\n"
            "/ticket N — 工单详情、对话和操作记录\n"
            "/take N — 接单\n"
            "/reply N 内容 — 答复市民（在工作群里直接回复工单消息也可以）\n"
            "/note N 内容 — 内部备注（市民看不到）\n"
            "/askinfo N 问题 — 请市民补充信息（计时暂停）\n"
            "/transfer N [部门 理由] — 转办（不写部门时列出部门按钮）\n"
            "/close N [说明] — 办结\n"
            "/reopen N [理由] — 重新打开\n"
            "/extend N 天数 理由 — 申请延期（由负责人审批）\n"
            "/type N 类型 — 更正诉求类型：consultation 咨询、help 求助、complaint 投诉、"
            "report 举报、suggestion 建议\n"
            "/contact N — 查看市民联系方式（会记入审计记录）\n"
            "/cancel — 取消正在进行的操作\n"
            "/staffhelp — 显示本帮助"
        ),
        "en": (
            "Staff commands (N is a ticket number such as 2026-000123, or 123 for this year's):\n"
            "/queue — your department's open tickets by deadline (with ◀ ▶)\n"
            "/ticket N — details, conversation and audit trail\n"
            "/take N — take the ticket\n"
            "/reply N TEXT — answer the citizen (or reply to the ticket's message in the staff chat)\n"
            "/note N TEXT — internal note (never shown to the citizen)\n"
            "/askinfo N QUESTION — ask the citizen for information (pauses the clock)\n"
            "/transfer N [DEPARTMENT REASON] — transfer (without a department: pick from buttons)\n"
            "/close N [RESOLUTION] — close\n"
            "/reopen N [REASON] — reopen\n"
            "/extend N DAYS REASON — ask the head for more working days\n"
            "/type N TYPE — correct the request type: consultation, help, complaint, report, "
            "suggestion\n"
            "/contact N — reveal the citizen's contact (recorded in the audit trail)\n"
            "/cancel — cancel what you started\n"
            "/staffhelp — this help"
        ),
    },
    "sh.help_admin": {
        "zh": (
            "\n\n管理员命令：\n/staff [部门] — 工作人员列表\n/staffmove 用户ID 部门 — 调动\n"
            "/staffoff 用户ID — 停用\n/reload — 重新加载知识库和部门配置\n"
            "/queue [部门] [页码] — 任一部门或全部部门的待办工单\n"
            "/gaps [天数] — 常见问题未能解答的问题（按类别）\n/stale — 需要复核的常见问题"
        ),
        "en": (
            "\n\nAdministrator commands:\n/staff [DEPARTMENT] — list staff\n"
            "/staffmove USER_ID DEPARTMENT — move someone\n/staffoff USER_ID — deactivate someone\n"
            "/reload — reload the FAQ and the departments file\n"
            "/queue [DEPARTMENT] [PAGE] — any department's open tickets, or all of them\n"
            "/gaps [DAYS] — what the FAQ could not answer, grouped by need\n"
            "/stale — FAQ entries that need a review"
        ),
    },
    # -- audit-trail event names ----------------------------------------------------------------
    "sh.event.created": {"zh": "创建", "en": "created"},
    "sh.event.taken": {"zh": "接单", "en": "taken"},
    "sh.event.replied": {"zh": "答复", "en": "replied"},
    "sh.event.note": {"zh": "内部备注", "en": "note"},
    "sh.event.info_requested": {"zh": "请求补充信息", "en": "asked for information"},
    "sh.event.transferred": {"zh": "转办", "en": "transferred"},
    "sh.event.closed": {"zh": "办结", "en": "closed"},
    "sh.event.reopened": {"zh": "重新打开", "en": "reopened"},
    "sh.event.extension_requested": {"zh": "申请延期", "en": "extension requested"},
    "sh.event.extension_approved": {"zh": "批准延期", "en": "extension approved"},
    "sh.event.extension_refused": {"zh": "驳回延期", "en": "extension refused"},
    "sh.event.citizen_message": {"zh": "市民留言", "en": "citizen message"},
    "sh.event.confirmed": {"zh": "市民确认解决", "en": "confirmed by the citizen"},
    "sh.event.rated": {"zh": "评价", "en": "rated"},
    "sh.event.retyped": {"zh": "更正类型", "en": "type corrected"},
    "sh.event.contact_revealed": {"zh": "查看联系方式", "en": "contact revealed"},
}


def register() -> None:
    """Add the staff texts to the shared catalogue (idempotent; never overrides a key)."""
    for key, entry in STAFF_TEXTS.items():
        existing = CATALOGUE.get(key)
        if existing is not None and existing is not entry and existing != entry:
            raise RuntimeError(f"message key {key!r} is already defined elsewhere")
        CATALOGUE[key] = entry


def event_label(lang: str | None, kind: str) -> str:
    """The audit-trail name of an event kind (the kind itself when the catalogue lacks it)."""
    key = f"sh.event.{kind}"
    return t(lang, key) if key in CATALOGUE else kind


register()
