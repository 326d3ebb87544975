"""Texts of the scheduler's messages (zh and en) and their buttons.

Kept beside the sweeps (same shape as :mod:`tickets.i18n`): ``st(lang, key, **params)``; an
unknown key raises ``KeyError``. Callback data of the buttons (``tk:<action>:<ticket id>``):

* ``tk:view:<id>``: open the ticket (staff, under reminders, nags, escalations, digests);
* ``tk:solved:<id>`` / ``tk:unsolved:<id>``: the citizen's answer to the post-closure
  question; the handler calls :func:`tickets.sweeps.closure.answer_closure_callback`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tickets.i18n import DEFAULT_LANG, normalize_lang

__all__ = ["CATALOGUE", "button", "callback_data", "describe_late", "st"]


def st(lang: str | None, key: str, **params: Any) -> str:
    entry = CATALOGUE[key]
    text = entry.get(normalize_lang(lang)) or entry[DEFAULT_LANG]
    return text.format(**params) if params else text


def callback_data(action: str, ticket_id: int) -> str:
    return f"tk:{action}:{int(ticket_id)}"


def button(text: str, action: str, ticket_id: int) -> dict[str, str]:
    return {"text": text, "callback_data": callback_data(action, ticket_id)}


def describe_late(late: timedelta, lang: str | None, day_length: timedelta) -> str:
    """Working time in words: ``2 working days 3 h 5 min`` / ``2个工作日3小时5分钟``.

    ``day_length`` is the working time of a normal working day (7 h by default), used to
    count whole working days when ``late`` is that long.
    """
    zh = normalize_lang(lang) == "zh"
    minutes = max(0, int(late.total_seconds() // 60))
    day_minutes = max(1, int(day_length.total_seconds() // 60))
    days, rest = divmod(minutes, day_minutes)
    hours, mins = divmod(rest, 60)
    if zh:
        parts = [f"{days}个工作日"] if days else []
        parts += [f"{hours}小时"] if hours else []
        parts += [f"{mins}分钟"] if mins else []
        return "".join(parts) or "不到1分钟"
    words = [f"{days} working day{'s' if days != 1 else ''}"] if days else []
    words += [f"{hours} h"] if hours else []
    words += [f"{mins} min"] if mins else []
    return " ".join(words) or "under a minute"


CATALOGUE: dict[str, dict[str, str]] = {
    "deadline.response": {"zh": "答复", "en": "response"},
    "deadline.resolution": {"zh": "办结", "en": "resolution"},
    # -- batched staff messages -----------------------------------------------------------------
    "head.reminder": {
        "zh": "⏰ 以下工单即将到期，请尽快处理：",
        "en": "⏰ These tickets are due soon:",
    },
    "head.nag": {"zh": "🔴 以下工单已超期：", "en": "🔴 These tickets are overdue:"},
    "head.urge": {
        "zh": "📢 督办通知：以下工单超期未办，请督促承办人员立即处理：",
        "en": "📢 Urging notice (督办): these tickets are overdue; please make sure they are dealt with now:",
    },
    "head.reprimand": {
        "zh": "⛔ 通报：以下工单严重超期，将列入本周通报：",
        "en": "⛔ Reprimand: these tickets are seriously overdue and will be listed in the weekly report:",
    },
    "line.reminder": {
        "zh": "• {number}｜{department}｜{deadline}期限 {due}，剩余 {left}",
        "en": "• {number} | {department} | {deadline} due {due}, {left} left",
    },
    "line.late": {
        "zh": "• {number}｜{department}｜{deadline}超期 {late}（期限 {due}）",
        "en": "• {number} | {department} | {deadline} {late} late (due {due})",
    },
    "more": {"zh": "……另有 {count} 件", "en": "… and {count} more"},
    "btn.view": {"zh": "查看 {number}", "en": "Open {number}"},
    # -- digest and weekly summary --------------------------------------------------------------
    "digest": {
        "zh": (
            "📋 {department} 每日工单简报（{date}）\n"
            "在办：{open}\n今日到期：{due_today}\n已超期：{overdue}\n昨日办结：{closed_yesterday}"
        ),
        "en": (
            "📋 {department}: daily digest ({date})\n"
            "Open: {open}\nDue today: {due_today}\nOverdue: {overdue}\nClosed yesterday: {closed_yesterday}"
        ),
    },
    "digest.overdue_head": {"zh": "超期工单：", "en": "Overdue tickets:"},
    "weekly.head": {
        "zh": "📊 上周（{start} 至 {end}）各部门考核排名：\n响应率｜解决率｜满意率｜按时办结率",
        "en": "📊 Department ranking for {start} to {end}:\nresponse | resolution | satisfaction | on time",
    },
    "weekly.line": {
        "zh": "{rank}. {department}：{response}｜{resolution}｜{satisfaction}｜{on_time}（受理 {created} 件，超期未办 {overdue} 件）",
        "en": "{rank}. {department}: {response} | {resolution} | {satisfaction} | {on_time} ({created} new, {overdue} overdue)",
    },
    "weekly.reprimands": {
        "zh": "本周通报（{count} 件）：",
        "en": "Reprimands this week ({count}):",
    },
    "weekly.reprimand_line": {
        "zh": "• {number}｜{department}｜{deadline}超期",
        "en": "• {number} | {department} | {deadline} overdue",
    },
    "weekly.no_reprimands": {"zh": "本周无通报。", "en": "No reprimands this week."},
    "weekly.empty": {"zh": "（无部门数据）", "en": "(no departments)"},
    "weekly.gaps": {
        "zh": "上周常见问题未能解答的主要问题（按问题类别，最多5类）：",
        "en": "What the FAQ could not answer last week (largest groups, at most 5):",
    },
    "weekly.gap_line": {
        "zh": "{rank}. {count} 次：「{question}」等（转工单：{departments}）",
        "en": '{rank}. {count}×: "{question}" and similar (tickets: {departments})',
    },
    "weekly.gap_no_ticket": {"zh": "无", "en": "none"},
    "sep": {"zh": "、", "en": ", "},
    "weekly.gaps_tail": {
        "zh": "新增条目的YAML草稿：citizen-desk gaps --clusters --days 7",
        "en": "YAML drafts of new entries: citizen-desk gaps --clusters --days 7",
    },
    "weekly.no_gaps": {
        "zh": "上周没有未解答的问题。",
        "en": "The FAQ left no question unanswered last week.",
    },
    "rate.none": {"zh": "—", "en": "—"},
    # -- FAQ freshness (weekly) -----------------------------------------------------------------
    "fresh.head": {
        "zh": "🗂️ {department}：以下常见问题答复需要复核（{date}）：",
        "en": "🗂️ {department}: these FAQ answers need a review ({date}):",
    },
    "fresh.expired": {
        "zh": "• {id}「{question}」已于 {day} 过期，机器人不再直接给出这条答复",
        "en": '• {id} "{question}" expired on {day}; the bot no longer gives this answer',
    },
    "fresh.expiring": {
        "zh": "• {id}「{question}」将于 {day} 过期",
        "en": '• {id} "{question}" expires on {day}',
    },
    "fresh.stale": {
        "zh": "• {id}「{question}」上次复核于 {day}，已超过 {days} 天",
        "en": '• {id} "{question}" last reviewed on {day}, over {days} days ago',
    },
    "fresh.unreviewed": {
        "zh": "• {id}「{question}」没有复核日期",
        "en": '• {id} "{question}" has no review date',
    },
    "fresh.tail": {
        "zh": "请核对答复后更新 reviewed（及 expires）日期。文件：{files}",
        "en": "Please check the answers, then update their 'reviewed' (and 'expires') dates. Files: {files}",
    },
    "fresh.admin_head": {
        "zh": "🗂️ 常见问题复核（{date}）：共 {count} 条答复需要复核",
        "en": "🗂️ FAQ review ({date}): {count} answers need a review",
    },
    "fresh.admin_dept": {"zh": "{department}（{count} 条）：", "en": "{department} ({count}):"},
    "fresh.no_owner": {"zh": "未指定负责部门", "en": "no owning department"},
    # -- citizen --------------------------------------------------------------------------------
    "citizen.callback": {
        "zh": "您好！您的工单 {number} 已于 {closed} 办结。请问您反映的问题是否已经解决？",
        "en": "Hello! Your ticket {number} was closed on {closed}. Has your problem really been solved?",
    },
    "btn.solved": {"zh": "✅ 已解决", "en": "✅ Solved"},
    "btn.unsolved": {"zh": "❌ 未解决", "en": "❌ Not solved"},
    "citizen.callback_thanks": {
        "zh": "感谢您的反馈！",
        "en": "Thank you for your feedback!",
    },
    "citizen.callback_reopened": {
        "zh": "很抱歉问题尚未解决。工单 {number} 已重新交由{department}处理。",
        "en": "We are sorry the problem is not solved. Ticket {number} is back with {department}.",
    },
    "citizen.callback_already": {
        "zh": "您已就工单 {number} 作出反馈，谢谢！",
        "en": "You have already answered about ticket {number}, thank you!",
    },
    "staff.callback_unsolved": {
        "zh": "🔄 回访：市民表示工单 {number} 的问题未解决，工单已重新打开。",
        "en": "🔄 Callback: the citizen says ticket {number} is not solved; it has been reopened.",
    },
    "citizen.auto_closed": {
        "zh": (
            "您的工单 {number} 已于 {answered} 答复，{after}内未收到您的回复，现已自动办结。"
            "如问题仍未解决，可点击下方按钮重新打开；也欢迎为本次服务评分："
        ),
        "en": (
            "Ticket {number} was answered on {answered}; we heard nothing from you within "
            "{after}, so it is now closed. If the problem is not solved you can reopen it "
            "below; you are welcome to rate our service:"
        ),
    },
}
