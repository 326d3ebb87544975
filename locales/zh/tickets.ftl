# Tickets: statuses, demand types, actions, labels, errors, and the notices the ticket service sends to citizens and staff.
status-new = 待受理
status-in_progress = 处理中
status-waiting_citizen = 等待市民补充信息
status-answered = 已答复
status-closed = 已办结
action-take = 接单
action-reply = 回复
action-note = 添加内部备注
action-ask_info = 请市民补充信息
action-transfer = 转办
action-close = 办结
action-reopen = 重新打开
action-extend = 申请延期
action-approve_extension = 批准延期
action-refuse_extension = 驳回延期
action-follow_up = 追加留言
action-confirm = 确认已解决
action-rate = 评价
action-retype = 更正诉求类型
action-reveal = 查看联系方式
action-mark_urgent = 更改紧急标记
action-comment_rating = 补充评价意见
type-consultation = 咨询
type-help = 求助
type-complaint = 投诉
type-report = 举报
type-suggestion = 建议
error-generic = 操作失败，请稍后再试。
error-unavailable = 该工单不存在，或您无权查看或处理。
error-not_allowed = 您无权执行此操作。
error-conflict = 工单 { $number } 刚被他人更新，请刷新后再试。
error-already_taken = 工单 { $number } 已由 { $name } 接单。
error-invalid_transition = 无法{ $action }工单 { $number }：当前状态为「{ $status }」。
error-invalid = 输入无效。
error-empty_text = 内容不能为空。
error-text_too_long = 内容过长（最多 { $max } 个字符）。
error-bad_ticket_ref = 「{ $ref }」不是有效的工单编号（例如 2026-000123）。
error-unknown_department = 没有「{ $slug }」这个部门。
error-same_department = 工单已在该部门。
error-bad_demand_type = 诉求类型「{ $value }」无效，可选：{ $allowed }。
error-same_demand_type = 诉求类型未改变。
error-bad_rating = 评分须为 1 到 5。
error-already_rated = 您已为工单 { $number } 评过 { $stars }，感谢您的评价！
error-same_urgency = 工单 { $number } 的紧急标记未改变（{ $state }）。
error-bad_days = 延期天数须为 1 到 { $max } 个工作日。
error-reason_required = 请说明理由。
error-deadline_passed = 办结期限（{ $deadline }）已过，不能再申请延期。
error-extension_pending = 该工单已有待审批的延期申请。
error-no_pending_extension = 该工单没有待审批的延期申请。
error-reopen_expired = 工单办结已超过 { $days } 天，无法重新打开，请提交新的诉求。
error-bad_page = 页码无效。
error-too_many_attachments = 附件过多（最多 { $max } 个）。
error-bad_attachment = 附件无效。
error-citizen_unreachable = 工单 { $number } 的市民已删除个人数据，无法再联系，因此不能请其补充信息（计时会一直暂停）。您仍可以答复（记入工单）或办结。
btn-take = ✋ 接单
btn-reply = 💬 回复
btn-transfer = ↪️ 转办
btn-resolved = ✅ 已解决
btn-follow_up = 💬 继续追问
btn-reopen = 🔄 重新打开
btn-add_info = 📝 补充信息
btn-approve = ✅ 批准延期
btn-refuse = ❌ 不予批准
btn-rate = { $stars }
label-citizen = 市民
label-urgent = 🚨 紧急
label-urgent_yes = 紧急
label-urgent_no = 非紧急
label-none = 无
staff-ticket_body =
    工单 { $number }｜{ $department }
    类型：{ $type }{ $urgent }
    来自：{ $citizen }
    答复期限：{ $response_due }
    办结期限：{ $resolution_due }

    { $text }
staff-new_ticket =
    🆕 新工单
    { $body }
admin-faq_reload_failed =
    ⚠️ FAQ 文件已修改但有 { $count } 个问题，仍使用原知识库：
    { $problems }
staff-attachment = 📎 工单 { $number } 的附件
staff-transferred_in =
    ↪️ 由「{ $from_department }」转来：{ $reason }
    { $body }
staff-taken = ✋ { $staff } 已接单：工单 { $number }
staff-follow_up =
    💬 市民就工单 { $number } 追加留言：
    { $text }
staff-info_received =
    📝 市民已补充工单 { $number } 的信息，计时恢复；新的办结期限：{ $resolution_due }
    { $text }
staff-reopened_by_citizen = 🔄 市民重新打开了工单 { $number }。
staff-not_resolved = 🔄 市民表示工单 { $number } 的问题尚未解决。
staff-confirmed = ✅ 市民确认工单 { $number } 已解决，工单已办结。
staff-rating_comment = 💬 市民补充了对工单 { $number } 的评价意见（{ $rating }/5）：{ $comment }
staff-with_attachments = 📎 附件 { $count } 个（见下方）
staff-rated = ⭐ 市民对工单 { $number } 的评价：{ $rating }/5 { $comment }
staff-extension_request =
    ⏳ { $staff } 申请将工单 { $number } 延期 { $days } 个工作日：
    办结期限 { $old_deadline } → { $new_deadline }
    理由：{ $reason }
staff-extension_approved = ✅ 工单 { $number } 延期已批准，新的办结期限：{ $deadline }
staff-extension_refused = ❌ 工单 { $number } 的延期申请未获批准。{ $reason }
citizen-created = 您的诉求已登记，工单编号 { $number }。我们将在 { $response_due } 前答复您。
citizen-reply =
    💬 关于您的工单 { $number }，{ $department }答复如下：

    { $text }
citizen-reply_attachments = 💬 关于您的工单 { $number }，{ $department }发来以下附件：
citizen-ask_info =
    ❓ 关于您的工单 { $number }，{ $department }需要您补充信息：

    { $text }

    请直接发送您的回复（文字、照片或文件均可），也可以回复本消息。如想先问别的问题，请先发送 /cancel。
citizen-transferred = ↪️ 您的工单 { $number } 已转至{ $department }处理。
citizen-closed =
    ✅ 您的工单 { $number } 已办结。{ $resolution }
    欢迎为本次服务评分：
citizen-reopened = 🔄 您的工单 { $number } 已重新打开，我们会继续处理。
citizen-extended = ⏳ 您的工单 { $number } 办结期限延长至 { $deadline }。原因：{ $reason }
citizen-retyped = 🏷️ 您的工单 { $number } 已更正为「{ $type }」类诉求，办结期限调整为 { $deadline }。
citizen-retyped_response = 🏷️ 您的工单 { $number } 已更正为「{ $type }」类诉求：我们将在 { $response_due } 前答复您，办结期限为 { $deadline }。
citizen-urgent_on = 🚨 您的工单 { $number } 已按紧急诉求处理，办结期限提前至 { $deadline }。
citizen-urgent_off = 您的工单 { $number } 不再按紧急诉求处理，办结期限调整为 { $deadline }。
citizen-followup_received = 已将您的留言转给工单 { $number } 的承办人员。
citizen-thanks_rating = 感谢您对工单 { $number } 的评价！
view-queue_line = { $number }｜{ $status }｜{ $type }{ $urgent }｜期限 { $deadline }
view-queue_header = { $department } 待办工单（共 { $total } 件，第 { $page }/{ $pages } 页）
view-queue_empty = 没有待办工单。

# The channels a citizen writes on
channel-telegram = Telegram
channel-web = 网页咨询
channel-wechat = 微信公众号

# Assigning a ticket to a named clerk; the urgent flag
action-assign = 指派
error-not_assignable = 只能指派给本部门在职的工作人员。
error-same_assignee = 工单 { $number } 已由此人负责。
staff-assigned = 👤 { $staff } 将工单 { $number } 指派给 { $assignee }
staff-assigned_to_you = 👤 { $staff } 将工单 { $number } 指派给您。

# The system's actions, and the citizen's answer to the post-closure question
action-auto_close = 自动办结
action-callback_solved = 确认已解决
action-callback_unsolved = 反馈未解决
