# The scheduler: reminders, nags, escalations, digests, the weekly ranking, the closure call-back.
deadline-response = 答复
deadline-resolution = 办结
head-reminder = ⏰ 以下工单即将到期，请尽快处理：
head-nag = 🔴 以下工单已超期：
head-urge = 📢 督办通知：以下工单超期未办，请督促承办人员立即处理：
head-reprimand = ⛔ 通报：以下工单严重超期，将列入本周通报：
line-reminder = • { $number }｜{ $department }｜{ $deadline }期限 { $due }，剩余 { $left }
line-late = • { $number }｜{ $department }｜{ $deadline }超期 { $late }（期限 { $due }）
more = ……另有 { $count } 件
btn-view = 查看 { $number }
digest =
    📋 { $department } 每日工单简报（{ $date }）
    在办：{ $open }
    今日到期：{ $due_today }
    已超期：{ $overdue }
    { $since } 以来办结：{ $closed }
digest-overdue_head = 超期工单：
weekly-head =
    📊 上周（{ $start } 至 { $end }）各部门考核排名：
    响应率｜解决率｜满意率｜按时办结率
weekly-line = { $rank }. { $department }：{ $response }｜{ $resolution }｜{ $satisfaction }｜{ $on_time }（受理 { $created } 件，超期未办 { $overdue } 件）
weekly-unrated = 未排名（本周尚无可考核的工单）：
weekly-unrated_line = • { $department }（受理 { $created } 件，超期未办 { $overdue } 件）
weekly-idle = 本周无工单，不参与排名：{ $departments }
list-sep = 、
weekly-reprimands = 本周通报（{ $count } 件）：
weekly-reprimand_line = • { $number }｜{ $department }｜{ $deadline }超期
weekly-no_reprimands = 本周无通报。
weekly-empty = （无部门数据）
rate-none = —
calendar-head = ⚠️ 节假日日历提醒：尚未录入{ $years }年的国务院节假日安排，该年的工单期限可能算错。
citizen-callback = 您好！您的工单 { $number } 已于 { $closed } 办结。请问您反映的问题是否已经解决？
btn-solved = ✅ 已解决
btn-unsolved = ❌ 未解决
citizen-callback_thanks = 感谢您的反馈！
citizen-callback_reopened = 很抱歉问题尚未解决。工单 { $number } 已重新交由{ $department }处理。
citizen-callback_already = 您已就工单 { $number } 作出反馈，谢谢！
citizen-auto_closed = 您的工单 { $number } 已于 { $answered } 答复，{ $after }内未收到您的回复，现已自动办结。如问题仍未解决，可点击下方按钮重新打开；也欢迎为本次服务评分：

# Working time in words (how late, how much is left): 2个工作日3小时5分钟
late-days = { $count }个工作日
late-hours = { $count }小时
late-minutes = { $count }分钟
late-sep = {""}
late-none = 不到1分钟

# The weekly summary's gap clusters; the weekly FAQ freshness notice
weekly-gaps = 上周常见问题未能解答的主要问题（按问题类别，最多5类）：
weekly-gap_line = { $rank }. { $count } 次：「{ $question }」等（转工单：{ $departments }）
weekly-gap_no_ticket = 无
weekly-gaps_tail = 新增条目的YAML草稿：citizen-desk gaps --clusters --days 7
weekly-no_gaps = 上周没有未解答的问题。
fresh-head = 🗂️ { $department }：以下常见问题答复需要复核（{ $date }）：
fresh-expired = • { $id }「{ $question }」已于 { $day } 过期，机器人不再直接给出这条答复
fresh-expiring = • { $id }「{ $question }」将于 { $day } 过期
fresh-stale = • { $id }「{ $question }」上次复核于 { $day }，已超过 { $days } 天
fresh-unreviewed = • { $id }「{ $question }」没有复核日期
fresh-tail = 请核对答复后更新 reviewed（及 expires）日期。文件：{ $files }
fresh-admin_head = 🗂️ 常见问题复核（{ $date }）：共 { $count } 条答复需要复核
fresh-admin_dept = { $department }（{ $count } 条）：
fresh-no_owner = 未指定负责部门
# A deadline window in words (window-within: "3个工作日内")
window-within = { $window }内
window-same_day = 当个工作日
window-days = { $count }个工作日
window-hours = { $count }小时工作时间
window-minutes = { $count }分钟工作时间
window-hours_minutes = { $hours }小时{ $minutes }分钟工作时间
window-none = 不到1分钟工作时间

# A year the holiday calendar does not cover (to the administrators, `departments check`, the log)
calendar-gap_estimated = 尚无国务院{ $year }年节假日安排：节日日期由 holidays 包推算，调休上班日未知（周末一律按休息日计）。请依据《国务院办公厅关于{ $year }年部分节假日安排的通知》建立 { $path }（格式见 README“Yearly holiday schedules”），然后 /reload。
calendar-gap_fixed_dates = 尚无国务院{ $year }年节假日安排：仅计入元旦、劳动节、国庆节等固定日期假日，春节等农历节日未计入，调休上班日未知（周末一律按休息日计）。请依据《国务院办公厅关于{ $year }年部分节假日安排的通知》建立 { $path }（格式见 README“Yearly holiday schedules”），然后 /reload。
