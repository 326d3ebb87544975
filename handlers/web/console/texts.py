"""Texts of the web console, in zh and en.

Registered into the ticket domain's catalogue (:data:`tickets.i18n.CATALOGUE`) like the staff
texts, so templates use the one function :func:`tickets.i18n.t` and the catalogue's test
(every key has zh and en with the same placeholders) covers these too. Keys start with
``con.``; statuses, types, events and errors reuse the existing keys.
"""

from __future__ import annotations

from tickets.i18n import CATALOGUE

__all__ = ["CONSOLE_TEXTS", "percent", "register"]


def percent(value: float | None) -> str:
    """``0.756`` -> ``75.6%``; None -> ``—`` (nothing to count, never 0 % or 100 %)."""
    return "—" if value is None else f"{value * 100:.1f}%"


def _z(zh: str, en: str) -> dict[str, str]:
    return {"zh": zh, "en": en}


CONSOLE_TEXTS: dict[str, dict[str, str]] = {
    "con.title": _z("工作台", "Console"),
    "con.skip": _z("跳到正文", "Skip to content"),
    "con.nav": _z("主导航", "Main"),
    "con.nav.queue": _z("工单", "Tickets"),
    "con.nav.dashboard": _z("统计", "Dashboard"),
    "con.nav.knowledge": _z("知识库", "Knowledge"),
    "con.role.admin": _z("管理员", "administrator"),
    "con.role.head": _z("负责人", "head"),
    "con.role.clerk": _z("办事员", "clerk"),
    "con.sign_out": _z("退出", "Sign out"),
    "con.back_to_queue": _z("返回工单列表", "Back to the tickets"),
    # sign-in
    "con.signin_title": _z("请登录", "Please sign in"),
    "con.signin_needed": _z(
        "请在机器人私聊中发送 /console 获取一次性登录链接（管理员也可运行 "
        "citizen-desk console link 用户ID）。",
        "Send /console to the bot in a private chat for a one-time sign-in link "
        "(administrators can also run citizen-desk console link USER_ID).",
    ),
    "con.link_refused_title": _z("链接无效", "This link cannot be used"),
    "con.link_refused": _z(
        "登录链接已使用、已过期（10 分钟有效）或无效。请在机器人中发送 /console 获取新链接。",
        "The sign-in link was already used, has expired (links last 10 minutes) or is not "
        "valid. Send /console to the bot for a new one.",
    ),
    "con.signed_out_title": _z("已退出", "Signed out"),
    "con.signed_out": _z(
        "您已退出工作台。需要时请在机器人中发送 /console 重新登录。",
        "You are signed out. Send /console to the bot to sign in again.",
    ),
    "con.csrf_failed": _z(
        "表单已过期，请刷新页面后重试。", "This form has expired; reload the page and try again."
    ),
    "con.not_found_title": _z("找不到", "Not found"),
    # queue
    "con.queue_title": _z("工单", "Tickets"),
    "con.all_departments": _z("全部部门", "All departments"),
    "con.search": _z("搜索", "Search"),
    "con.search_hint": _z("编号、内容或脱敏联系方式", "Number, text or masked contact"),
    "con.f.department": _z("部门", "Department"),
    "con.f.status": _z("状态", "Status"),
    "con.f.due": _z("期限", "Deadline"),
    "con.f.type": _z("类型", "Type"),
    "con.f.urgent": _z("紧急", "Urgent"),
    "con.f.assignee": _z("负责人", "Assignee"),
    "con.f.from": _z("创建自", "Created from"),
    "con.f.to": _z("创建至", "Created until"),
    "con.f.sort": _z("排序", "Order"),
    "con.status.open": _z("未办结", "open"),
    "con.status.all": _z("全部", "all"),
    "con.any": _z("不限", "any"),
    "con.due.overdue": _z("已超期", "overdue"),
    "con.due.today": _z("今天到期", "due today"),
    "con.urgent_only": _z("仅紧急", "urgent only"),
    "con.not_urgent": _z("非紧急", "not urgent"),
    "con.sort.deadline": _z("期限最近", "nearest deadline"),
    "con.sort.newest": _z("最新", "newest"),
    "con.sort.oldest": _z("最早", "oldest"),
    "con.apply": _z("查询", "Apply"),
    "con.reset": _z("重置", "Reset"),
    "con.export_csv": _z("导出 CSV", "Export CSV"),
    "con.found": _z("共 {total} 张工单", "{total} ticket(s)"),
    "con.truncated": _z(
        "（只查看了最紧迫的 2000 张，请缩小搜索范围）",
        "(only the 2,000 most pressing were searched; narrow the search)",
    ),
    "con.bad_filter": _z(
        "筛选条件「{name}」的值「{value}」无效，已忽略。",
        "Ignored the filter {name}: “{value}” is not valid.",
    ),
    "con.col.number": _z("编号", "Number"),
    "con.col.status": _z("状态", "Status"),
    "con.col.department": _z("部门", "Department"),
    "con.col.deadline": _z("期限", "Deadline"),
    "con.col.assignee": _z("负责人", "Assignee"),
    "con.col.text": _z("内容", "Text"),
    "con.urgent": _z("紧急", "urgent"),
    "con.overdue": _z("超期", "overdue"),
    "con.pages": _z("翻页", "Pages"),
    "con.prev": _z("上一页", "Previous"),
    "con.next": _z("下一页", "Next"),
    "con.page_of": _z("第 {page}/{pages} 页", "Page {page} of {pages}"),
    "con.no_tickets": _z("没有符合条件的工单。", "No ticket matches."),
    # ticket
    "con.facts": _z("基本信息", "Details"),
    "con.citizen": _z("市民", "Citizen"),
    "con.created": _z("创建时间", "Created"),
    "con.response_due": _z("响应期限", "Response due"),
    "con.resolution_due": _z("办结期限", "Resolution due"),
    "con.responded_at": _z("{at} 已响应", "responded {at}"),
    "con.paused": _z("计时暂停于", "Clock paused since"),
    "con.closed": _z("办结时间", "Closed"),
    "con.rating": _z("评价", "Rating"),
    "con.pending_extension": _z("延期申请", "Extension requested"),
    "con.pending_detail": _z("{days} 个工作日：{reason}", "{days} working day(s): {reason}"),
    "con.conversation": _z("对话", "Conversation"),
    "con.attachments": _z("附件", "Attachments"),
    "con.photo_n": _z("照片 {n}", "Photo {n}"),
    "con.location": _z("位置：{lat}, {lon}", "Location: {lat}, {lon}"),
    "con.photo_unavailable": _z("暂时无法获取照片。", "The photo cannot be fetched right now."),
    "con.actions": _z("操作", "Actions"),
    "con.reply": _z("答复市民", "Reply to the citizen"),
    "con.send_reply": _z("发送答复", "Send reply"),
    "con.canned": _z("常用答复", "Canned replies"),
    "con.send_canned": _z("发送所选常用答复", "Send the chosen canned reply"),
    "con.take": _z("接单", "Take"),
    "con.assign_to": _z("指派给", "Assign to"),
    "con.assign": _z("指派", "Assign"),
    "con.note": _z("内部备注（市民看不到）", "Internal note (never shown to the citizen)"),
    "con.add_note": _z("添加备注", "Add note"),
    "con.askinfo": _z("请市民补充信息（计时暂停）", "Ask the citizen (pauses the clock)"),
    "con.ask": _z("发送问题", "Ask"),
    "con.transfer_to": _z("转办至", "Transfer to"),
    "con.reason": _z("理由", "Reason"),
    "con.transfer": _z("转办", "Transfer"),
    "con.extend_days": _z("延期工作日（最多 {max}）", "Extra working days (at most {max})"),
    "con.request_extension": _z("申请延期", "Request an extension"),
    "con.approve_extension": _z("批准延期", "Approve the extension"),
    "con.refuse_extension": _z("驳回延期", "Refuse the extension"),
    "con.change_type": _z("诉求类型", "Request type"),
    "con.save": _z("保存", "Save"),
    "con.mark_urgent": _z("标为紧急", "Mark urgent"),
    "con.unmark_urgent": _z("取消紧急", "Not urgent"),
    "con.resolution": _z("办结说明", "Resolution"),
    "con.close": _z("办结", "Close"),
    "con.reopen": _z("重新打开", "Reopen"),
    "con.reveal_contact": _z("查看联系方式", "Reveal contact"),
    "con.reveal_hint": _z("会记入操作记录。", "Recorded in the audit trail."),
    "con.contact_title": _z("市民联系方式", "Citizen's contact"),
    "con.contact.name": _z("姓名", "Name"),
    "con.contact.phone": _z("电话", "Phone"),
    "con.contact.telegram": _z("Telegram 用户ID", "Telegram user id"),
    "con.contact_audited": _z(
        "您的查看已记入操作记录。", "Your look was recorded in the audit trail."
    ),
    "con.notes": _z("内部备注", "Internal notes"),
    "con.audit": _z("操作记录", "Audit trail"),
    "con.text_required": _z("请填写内容。", "Please write the text."),
    "con.pick_assignee": _z("请选择要指派的人。", "Please choose whom to assign."),
    "con.pick_canned": _z("请选择一条常用答复。", "Please choose a canned reply."),
    "con.pick_department": _z("请选择部门。", "Please choose a department."),
    "con.pick_urgency": _z("紧急程度无效。", "Not a valid urgency."),
    "con.done.take": _z("已接单。", "Taken."),
    "con.done.assign": _z("已指派。", "Assigned."),
    "con.done.reply": _z("答复已发送给市民。", "The reply was sent to the citizen."),
    "con.done.canned": _z("常用答复已发送给市民。", "The canned reply was sent to the citizen."),
    "con.done.note": _z("备注已添加。", "Note added."),
    "con.done.askinfo": _z(
        "问题已发送给市民，计时暂停。", "The question was sent; the clock is paused."
    ),
    "con.done.transfer": _z("工单已转办。", "The ticket was transferred."),
    "con.done.extend": _z("延期申请已提交负责人。", "The extension request went to the head."),
    "con.done.approve": _z(
        "已批准延期，市民已收到通知。", "Extension approved; the citizen was told."
    ),
    "con.done.refuse": _z("已驳回延期。", "Extension refused."),
    "con.done.type": _z("类型已更正，期限已重新计算。", "Type corrected; deadlines recomputed."),
    "con.done.urgency": _z(
        "紧急程度已更改，期限已重新计算。", "Urgency changed; deadlines recomputed."
    ),
    "con.done.close": _z("工单已办结。", "The ticket was closed."),
    "con.done.reopen": _z("工单已重新打开。", "The ticket was reopened."),
    # dashboard
    "con.dashboard_title": _z("统计", "Dashboard"),
    "con.period": _z("统计周期", "Period"),
    "con.last_days": _z("最近 {days} 天", "last {days} days"),
    "con.bad_period": _z(
        "统计周期无效，显示最近 30 天。", "Not a valid period; showing the last 30 days."
    ),
    "con.period_shown": _z(
        "{start} 至 {end}，与上一周期（自 {prev}）比较。",
        "{start} to {end}, compared with the period before (from {prev}).",
    ),
    "con.export_ranking": _z("导出排名 CSV", "Export the ranking (CSV)"),
    "con.overall": _z("总体", "Overall"),
    "con.ranking": _z("部门排名", "Departments, ranked"),
    "con.m.received": _z("受理量", "Received"),
    "con.m.timely_acceptance": _z("及时受理率", "Timely acceptance"),
    "con.m.response_rate": _z("响应率", "Response rate"),
    "con.m.on_time_rate": _z("按时办结率", "On-time completion"),
    "con.m.resolution_rate": _z("解决率", "Resolution rate"),
    "con.m.satisfaction_rate": _z("满意率（评价）", "Satisfaction (ratings)"),
    "con.m.callback_rate": _z("回访满意率", "Call-back satisfaction"),
    "con.m.reopened": _z("重办", "Reopened"),
    "con.m.urged": _z("督办", "Urged"),
    "con.m.reprimanded": _z("通报", "Reprimanded"),
    "con.m.overdue_now": _z("当前超期", "Overdue now"),
    "con.definitions": _z(
        "及时受理率：首次响应在响应期限内（即 citizen-desk stats 的 response）；响应率：本期受理的工单中已响应的比例；"
        "按时办结率、解决率、满意率（评价 ≥ 4 星）与 citizen-desk stats 相同；回访满意率：办结回访中答“已解决”的比例。",
        "Timely acceptance: first response within the response window (citizen-desk stats' "
        "“response”); response rate: share of the period's tickets that got a response; "
        "on-time completion, resolution rate and satisfaction (ratings ≥ 4) as in citizen-desk "
        "stats; call-back satisfaction: share of closure call-backs answered “solved”.",
    ),
    "con.trend_title": _z("每周趋势", "Weekly trend"),
    "con.series.received": _z("受理", "received"),
    "con.series.closed": _z("办结", "closed"),
    "con.heatmap_title": _z("诉求时段分布（星期 × 小时）", "Demand by weekday and hour"),
    "con.load_title": _z("工作人员在办工单", "Open tickets per staff member"),
    "con.load_label": _z(
        "{name}：在办 {open}，超期 {overdue}", "{name}: {open} open, {overdue} overdue"
    ),
    "con.no_staff": _z("暂无工作人员。", "No staff yet."),
    "con.gaps_title": _z("知识库未能回答的问题", "Questions the FAQ could not answer"),
    "con.no_gaps": _z("本期没有未回答的问题。", "No unanswered question in this period."),
    "con.closest": _z("最接近：{entry}", "closest: {entry}"),
    "con.weekday.0": _z("周一", "Mon"),
    "con.weekday.1": _z("周二", "Tue"),
    "con.weekday.2": _z("周三", "Wed"),
    "con.weekday.3": _z("周四", "Thu"),
    "con.weekday.4": _z("周五", "Fri"),
    "con.weekday.5": _z("周六", "Sat"),
    "con.weekday.6": _z("周日", "Sun"),
    # knowledge
    "con.knowledge_title": _z("知识库", "Knowledge base"),
    "con.kb_not_loaded": _z("知识库尚未加载。", "The knowledge base is not loaded."),
    "con.times": _z("次数", "Times"),
    "con.question": _z("问题", "Question"),
    "con.how": _z("情况", "How"),
    "con.closest_entry": _z("最接近的条目", "Closest entry"),
    "con.tickets": _z("转为工单", "Tickets"),
    "con.suggested_yaml": _z("建议的条目（YAML）", "Suggested entry (YAML)"),
    "con.decision.none": _z("无匹配", "no match"),
    "con.decision.suggest": _z("建议均不合适", "no suggestion fitted"),
    "con.decision.not_helpful": _z("答案没有帮助", "answer did not help"),
    "con.entries_title": _z("条目与反馈", "Entries and feedback"),
    "con.entry": _z("条目", "Entry"),
    "con.closest_count": _z("作为最接近条目", "Closest to a gap"),
    "con.source": _z("位置", "Source"),
    "con.never_title": _z("从未匹配的条目", "Entries never matched"),
    "con.never_hint": _z(
        "本期没有任何记录：没有 👍/👎、从未作为未回答问题的最接近条目、也没有由此产生的工单。",
        "Nothing recorded in the period: no 👍/👎, never the closest entry of an unanswered "
        "question, no ticket from it.",
    ),
    "con.none_listed": _z("无。", "None."),
    "con.stale_title": _z("过期或久未复核的条目", "Stale or expired entries"),
    "con.no_review_dates": _z(
        "知识库条目还没有复核日期或有效期。", "The FAQ entries carry no review or expiry dates yet."
    ),
    "con.reviewed": _z("复核于 {day}", "reviewed {day}"),
    "con.expires": _z("有效期至 {day}", "expires {day}"),
    # the bot's /console and the CLI
    "con.link_message": _z(
        "🔐 工作台一次性登录链接（10 分钟内有效，仅可使用一次，请勿转发）：\n{url}",
        "🔐 Your one-time console sign-in link (valid 10 minutes, works once; do not share "
        "it):\n{url}",
    ),
    "con.link_sent_privately": _z(
        "登录链接已私信发送给您。", "The sign-in link was sent to you in a private message."
    ),
}


def register() -> None:
    """Add the console texts to the shared catalogue (idempotent; never overrides a key)."""
    for key, entry in CONSOLE_TEXTS.items():
        existing = CATALOGUE.get(key)
        if existing is not None and existing is not entry and existing != entry:
            raise RuntimeError(f"message key {key!r} is already defined elsewhere")
        CATALOGUE[key] = entry


register()
