# Department staff and administrators in Telegram: commands, their usage, confirmations, ticket views.
sh-usage-queue = 用法：/queue [页码]
sh-usage-queue_admin = 用法：/queue [部门] [页码]
sh-usage-ticket = 用法：/ticket 工单编号
sh-usage-take = 用法：/take 工单编号
sh-usage-reply = 用法：/reply 工单编号 答复内容（或在工作群里直接回复工单消息）
sh-usage-note = 用法：/note 工单编号 内部备注（市民看不到）
sh-usage-transfer = 用法：/transfer 工单编号 [部门代码 理由]
sh-usage-close = 用法：/close 工单编号 [办结说明]
sh-usage-reopen = 用法：/reopen 工单编号 [理由]
sh-usage-extend = 用法：/extend 工单编号 工作日天数 理由
sh-usage-askinfo = 用法：/askinfo 工单编号 需要市民补充的问题
sh-usage-type = 用法：/type 工单编号 类型（咨询、求助、投诉、举报、建议）
sh-bad_type = 「{ $value }」不是诉求类型。用法：/type 工单编号 类型（咨询、求助、投诉、举报、建议）
sh-usage-urgent = 用法：/urgent 工单编号 [off]（标记为紧急诉求；加 off 取消紧急标记）
sh-usage-contact = 用法：/contact 工单编号
sh-usage-staffmove = 用法：/staffmove 用户ID 部门代码
sh-usage-staffoff = 用法：/staffoff 用户ID
sh-usage-staff = 用法：/staff [部门代码]
sh-bad_days = 「{ $value }」不是有效的天数（1 到 { $max } 的整数）。
sh-bad_user_id = 「{ $value }」不是有效的 Telegram 用户 ID。
sh-urgent_unsupported = 紧急标记不随 /type 修改：请用 /urgent 工单编号。
sh-attachment_unsupported = 只能把照片或文件发给市民（视频、语音、贴纸等不行），本次未做任何操作。
sh-attachments_reply_only = 只有答复（/reply 或直接回复工单消息）可以附带照片或文件，本次未做任何操作。
sh-citizen_attachment = 📎 工单 { $number } 的答复附件
sh-stale_button = 这个按钮已失效，请重新操作。
sh-wrong_chat = 工作人员命令只能在与本机器人的私聊中，或在您所在部门的工作群里使用。
sh-admin_only = 只有管理员可以执行此操作。
sh-unknown_staff = 没有 Telegram 用户 ID 为 { $user_id } 的工作人员。
sh-already_inactive = 工作人员 { $user_id } 已停用。
sh-unknown_department_known = 没有「{ $slug }」这个部门。可选：{ $known }
sh-taken = ✋ 您已接单：工单 { $number }
sh-replied = ✅ 已将答复发送给市民（工单 { $number }）。
sh-replied_with_attachments = ✅ 已将答复和 { $count } 个附件发送给市民（工单 { $number }）。
sh-replied_unreachable = 📝 您的答复已记入工单 { $number }，但市民已删除个人数据、无法再联系，答复没有发送给市民。
sh-citizen_unreachable = ⚠️ 市民已删除个人数据、无法再联系，没有收到通知。
sh-noted = 📝 已添加内部备注（工单 { $number }，市民看不到）。
sh-asked = ❓ 已请市民补充信息（工单 { $number }），计时暂停。
sh-transferred = ↪️ 工单 { $number } 已转至「{ $department }」。
sh-closed = ✅ 工单 { $number } 已办结。
sh-reopened = 🔄 工单 { $number } 已重新打开（状态：{ $status }）。
sh-extension_requested = ⏳ 已提交延期申请（工单 { $number }，{ $days } 个工作日），等待负责人审批。
sh-extension_approved = ✅ 已批准工单 { $number } 的延期，新的办结期限：{ $deadline }
sh-extension_refused = ❌ 已驳回工单 { $number } 的延期申请。
sh-retyped = 🏷️ 工单 { $number } 的类型已更正为「{ $type }」，办结期限：{ $deadline }
sh-retyped_told = 已将新的期限告知市民。
sh-urgent_on = 🚨 工单 { $number } 已标记为紧急诉求，办结期限：{ $deadline }
sh-urgent_off = 工单 { $number } 已取消紧急标记，办结期限：{ $deadline }
sh-contact =
    🔓 工单 { $number } 的市民联系方式（已记入审计记录）：
    姓名：{ $name }
    电话：{ $phone }
    电子邮箱：{ $email }
    联系渠道：{ $channels }
sh-contact_sent_privately = 🔓 联系方式已私信发给您（已记入审计记录）。
sh-cancelled = 已取消。
sh-nothing_to_cancel = 没有进行中的操作。
sh-private_only = { $command } 请在与本机器人的私聊中使用（在群里会显示个人信息）：打开与机器人的对话后发送。
sh-unknown_command = 没有 { $command } 这个命令。发送 /staffhelp 查看工作人员命令。
sh-reply_prompt = 💬 请输入对工单 { $number } 的答复（在群里请直接回复本消息）。{ $canned }
sh-reply_prompt_canned = {"\u000A"}也可以选择下方的常用答复。
sh-canned_preview =
    📋 常用答复「{ $title }」（工单 { $number }）：

    { $text }

    点击「原样发送」，或发送修改后的文字。
sh-transfer_pick = ↪️ 将工单 { $number } 转至哪个部门？
sh-transfer_reason_prompt = ↪️ 请输入将工单 { $number } 转至「{ $department }」的理由（在群里请直接回复本消息）。
sh-no_other_departments = 没有可转办的其他部门。
sh-btn-cancel = ✖️ 取消
sh-btn-send = 📤 原样发送
sh-btn-prev = ◀
sh-btn-next = ▶
sh-all_departments = 全部部门
sh-queue_item = { $line }｜{ $assignee }
sh-unassigned = 未接单
sh-details_header =
    📄 工单 { $number }｜{ $department }
    状态：{ $status }｜类型：{ $type }{ $urgent }
    来自：{ $citizen }
    承办人：{ $assignee }
    答复期限：{ $response_due }｜办结期限：{ $resolution_due }

    { $text }
sh-details_conversation = 💬 对话
sh-details_notes = 📝 内部备注
sh-details_audit = 🧾 操作记录
sh-details_none = （无）
sh-actor-citizen = 市民
sh-actor-system = 系统
sh-staff_header = 👥 工作人员（{ $count } 人）
sh-staff_line = { $user_id }｜{ $name }｜{ $department }｜{ $role }{ $inactive }
sh-staff_inactive = （已停用）
sh-staff_none = 还没有工作人员。
sh-staff_moved = ✅ 已将 { $name }（{ $user_id }）调至「{ $department }」。
sh-staff_off = ✅ 已停用 { $name }（{ $user_id }）。
sh-reload_result =
    🔄 重新加载（有问题的部分保留原版本）：
    { $lines }
sh-reload_unavailable = 未配置
sh-welcome_staff =
    👋 { $name }，欢迎加入「{ $department }」（{ $role }）！

    { $help }
sh-role-clerk = 办理人员
sh-role-head = 部门负责人
sh-role-admin = 管理员
sh-invite-unknown = 这个邀请链接无效。请向管理员索取新的链接。
sh-invite-expired = 这个邀请链接已过期。请向管理员索取新的链接。
sh-invite-used = 这个邀请链接已被使用过（每个链接只能用一次）。请向管理员索取新的链接。
sh-invite-department_inactive = 这个邀请链接对应的部门已停用。请联系管理员。
sh-help =
    工作人员命令（工单编号如 2026-000123，或只写 123 表示今年的第 123 号）：
    /queue — 本部门待办工单（按期限排序，可翻页）
    /ticket N — 工单详情、对话和操作记录
    /take N — 接单
    /reply N 内容 — 答复市民（在工作群里直接回复工单消息也可以；可附照片或文件）
    /note N 内容 — 内部备注（市民看不到）
    /askinfo N 问题 — 请市民补充信息（计时暂停）
    /transfer N [部门 理由] — 转办（不写部门时列出部门按钮）
    /close N [说明] — 办结
    /reopen N [理由] — 重新打开
    /extend N 天数 理由 — 申请延期（由负责人审批）
    /type N 类型 — 更正诉求类型：咨询、求助、投诉、举报、建议（已批准的延期保留，期限变化会告知市民）
    /urgent N [off] — 标记为紧急诉求（加 off 取消），按紧急时限重新计算期限
    /contact N — 查看市民联系方式（会记入审计记录）
    /console — 网页工作台的一次性登录链接（私信发送）
    /language [zh|en] — 机器人给您发消息所用的语言（包括给您的工单通知）
    /announce — 向某个通知主题的订阅者发布通知（部门负责人：本部门的主题；管理员：所有主题）
    /announce list、/announce status 编号、/announce cancel 编号 — 最近的通知；查看通知的发送进度；取消尚未发完的通知
    /cancel — 取消正在进行的操作
    /staffhelp — 显示本帮助
sh-help_admin =
    {"\u000A"}{"\u000A"}管理员命令：
    /staff [部门] — 工作人员列表
    /staffmove 用户ID 部门 — 调动
    /staffoff 用户ID — 停用
    /reload — 重新加载知识库和部门配置
    /queue [部门] [页码] — 任一部门或全部部门的待办工单
    /gaps [天数] — 常见问题未能解答的问题（按类别）
    /stale — 需要复核的常见问题
sh-event-created = 创建
sh-event-taken = 接单
sh-event-replied = 答复
sh-event-note = 内部备注
sh-event-info_requested = 请求补充信息
sh-event-transferred = 转办
sh-event-closed = 办结
sh-event-reopened = 重新打开
sh-event-extension_requested = 申请延期
sh-event-extension_approved = 批准延期
sh-event-extension_refused = 驳回延期
sh-event-citizen_message = 市民留言
sh-event-confirmed = 市民确认解决
sh-event-rated = 评价
sh-event-retyped = 更正类型
sh-event-urgency_changed = 更改紧急标记
sh-event-rating_commented = 评价意见
sh-event-contact_revealed = 查看联系方式

# More audit-trail event names
sh-event-assigned = 指派

# Administrators: gap clusters (/gaps) and FAQ freshness (/stale)
sh-usage-gaps = 用法：/gaps [天数]
sh-usage-stale = 用法：/stale
sh-gaps_head = 🕳️ 最近 { $days } 天常见问题未能解答的问题（最大的 { $count } 类）：
sh-gaps_line =
    { $rank }. { $count } 次：{ $questions }
       转工单：{ $departments }；建议条目：{ $id }
sh-gaps_tail = 新条目的YAML草稿：citizen-desk gaps --clusters --days { $days }
sh-gaps_none = 最近 { $days } 天没有未解答的问题。
sh-stale_head = 🗂️ { $count } 条常见问题需要复核（复核期限 { $days } 天）：
sh-stale_expired = • { $id }（{ $owner }）已于 { $day } 过期，不再直接答复
sh-stale_expiring = • { $id }（{ $owner }）将于 { $day } 过期
sh-stale_stale = • { $id }（{ $owner }）上次复核于 { $day }
sh-stale_unreviewed = • { $id }（{ $owner }）没有复核日期
sh-stale_more = ……另有 { $count } 条
sh-stale_none = ✅ 所有常见问题都在 { $days } 天内复核过，没有过期条目。
sh-stale_no_faq = 知识库未加载。
# /language for staff: their own language (answers, and notifications sent to them privately)
sh-usage-language = 用法：/language zh 或 /language en —— 设置机器人给您发消息（包括工单通知）所用的语言。
sh-language_current = 机器人目前用{ $language }给您发消息。如需更改：/language zh 或 /language en。
sh-language_set = 今后机器人将用{ $language }给您发消息。
sh-language-zh = 中文
sh-language-en = 英文（English）
