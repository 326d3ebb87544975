# 通知：市民订阅的主题（/subscribe、/start sub-<主题>）与 /announce 发布。
sub-none_configured = 目前还没有可订阅的通知主题。
sub-list =
    📣 可以订阅的通知（点按即可订阅或取消）：
    { $topics }
sub-btn-on = ✅ { $topic }
sub-btn-off = ➕ { $topic }
sub-unknown = 该通知主题不存在（或已取消）。发送 /subscribe 查看所有主题。
sub-confirm =
    📣 订阅“{ $topic }”？
    { $description }

    订阅后您会在这里收到该主题的通知；每条通知都带有“取消订阅”按钮。
sub-btn-yes = ✅ 订阅
sub-btn-no = 不用了
sub-declined = 好的，您没有订阅“{ $topic }”。
sub-done = ✅ 已订阅“{ $topic }”。发送 /subscribe 可以管理订阅。
sub-undone = 您将不再收到“{ $topic }”的通知。发送 /subscribe 可以重新订阅。
btn-unsubscribe = 🔕 取消订阅
announce-urgent-mark = 🚨 紧急{" "}
announce-message =
    📣 { $urgent }{ $topic }

    { $text }
announce-report =
    📣 通知 { $id }（“{ $topic }”）已发送完毕：订阅者 { $total } 人；成功 { $sent }，失败 { $failed }，已屏蔽机器人或取消关注 { $blocked }（已取消其订阅），暂时无法送达 { $unreachable }（如微信用户 48 小时内未互动）。
announce-cancelled-topic =
    ✖️ 通知 { $id }（“{ $topic }”）已取消：该主题已从部门配置文件中删除。已送达 { $sent } 人，其余 { $not_sent } 人不再发送。
announce-cancelled-author =
    ✖️ 通知 { $id }（“{ $topic }”）已取消。已送达 { $sent } 人，其余 { $not_sent } 人不再发送。
announce-err-empty = 通知没有内容。
announce-err-too-long = 通知太长：{ $length } 个字符，最多 { $limit } 个。
an-refused = 抱歉，只有管理员和部门负责人可以发布通知（部门负责人只能发布本部门的主题）。
an-no_topics = 没有您可以发布的通知主题。主题在部门配置文件中声明（topics:）。
an-choose_topic = 📣 发布新通知：请选择主题。
an-ask_text = 主题“{ $topic }”（{ $subscribers } 位订阅者）。请发送通知内容（也可以发一张带说明文字的照片）。可以只写中文或英文，也可以两种都写，用单独一行“---”隔开（中文在前）。发送 /cancel 取消。
an-preview = ⬆️ 订阅者看到的就是上面这条消息。现在发送吗？
an-btn-send = 📤 立即发送
an-btn-urgent = 🚨 紧急发送（不受发送时段限制）
an-btn-schedule = 🕒 定时发送…
an-btn-cancel = ✖️ 取消
an-ask_time = 什么时候发送？请按本市时间发送日期和时间，例如 { $example }。发送 /cancel 取消。
an-bad_time = 无法识别该时间（或已经过去）。请按例如 { $example } 的格式发送。
an-queued = ✅ 通知 { $id } 已排队，共 { $recipients } 位订阅者；{ $when }。发送完毕后您会收到报告。
an-when-now = 现在开始发送
an-when-hours = 将于 { $time } 发送（现在不在通知发送时段内）
an-when-at = 将于 { $time } 发送
an-stale = 这份通知草稿已失效。请重新发送 /announce。
an-need_text = 请发送通知内容（或一张带说明文字的照片）。
an-usage = 用法：/announce（发布新通知）、/announce list（最近的通知）、/announce status 编号（查看进度）、/announce cancel 编号（取消）。
an-list = 📣 最近的通知（发送 /announce status 编号 查看详情）：
    { $lines }
an-list-line = { $id } ·「{ $topic }」· { $state } · 已发送 { $sent }/{ $total } · { $time }
an-list-empty = 您可发布的主题还没有通知。发送 /announce 发布一条。
an-not_found = 在您可发布的主题中没有编号为 { $id } 的通知。
an-not_cancellable = 通知 { $id } 无法取消：它{ $state }。
an-state-queued = 等待发送
an-state-sending = 正在发送
an-state-done = 已发送完毕
an-state-cancelled = 已取消
an-status = 📣 通知 { $id }（“{ $topic }”）：{ $state }。订阅者 { $total } 人：待发送 { $queued }，成功 { $sent }，失败 { $failed }，已屏蔽机器人或取消关注 { $blocked }，暂时无法送达 { $unreachable }。
an-status-dropped = 因取消而未发送：{ $dropped }。
