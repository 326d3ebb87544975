# The scheduler: reminders, nags, escalations, digests, the weekly ranking, the closure call-back.
deadline-response = response
deadline-resolution = resolution
head-reminder = ⏰ These tickets are due soon:
head-nag = 🔴 These tickets are overdue:
head-urge = 📢 Urging notice (督办): these tickets are overdue; please make sure they are dealt with now:
head-reprimand = ⛔ Reprimand: these tickets are seriously overdue and will be listed in the weekly report:
line-reminder = • { $number } | { $department } | { $deadline } due { $due }, { $left } left
line-late = • { $number } | { $department } | { $deadline } { $late } late (due { $due })
more = … and { $count } more
btn-view = Open { $number }
digest =
    📋 { $department }: daily digest ({ $date })
    Open: { $open }
    Due today: { $due_today }
    Overdue: { $overdue }
    Closed since { $since }: { $closed }
digest-overdue_head = Overdue tickets:
weekly-head =
    📊 Department ranking for { $start } to { $end }:
    response | resolution | satisfaction | on time
weekly-line = { $rank }. { $department }: { $response } | { $resolution } | { $satisfaction } | { $on_time } ({ $created } new, { $overdue } overdue)
weekly-unrated = Not ranked (nothing to assess yet this week):
weekly-unrated_line = • { $department } ({ $created } new, { $overdue } overdue)
weekly-idle = No tickets this week, not ranked: { $departments }
list-sep = ,{" "}
weekly-reprimands = Reprimands this week ({ $count }):
weekly-reprimand_line = • { $number } | { $department } | { $deadline } overdue
weekly-no_reprimands = No reprimands this week.
weekly-empty = (no departments)
rate-none = —
calendar-head = ⚠️ Holiday calendar: the official holiday schedule for { $years } is missing, so deadlines in that year may be wrong.
citizen-callback = Hello! Your ticket { $number } was closed on { $closed }. Has your problem really been solved?
btn-solved = ✅ Solved
btn-unsolved = ❌ Not solved
citizen-callback_thanks = Thank you for your feedback!
citizen-callback_reopened = We are sorry the problem is not solved. Ticket { $number } is back with { $department }.
citizen-callback_already = You have already answered about ticket { $number }, thank you!
citizen-auto_closed = Ticket { $number } was answered on { $answered }; we heard nothing from you within { $after }, so it is now closed. If the problem is not solved you can reopen it below; you are welcome to rate our service:

# Working time in words (how late, how much is left): 2 working days 3 h 5 min
late-days = { $count ->
    [one] { $count } working day
   *[other] { $count } working days
}
late-hours = { $count } h
late-minutes = { $count } min
late-sep = {" "}
late-none = under a minute

# The weekly summary's gap clusters; the weekly FAQ freshness notice
weekly-gaps = What the FAQ could not answer last week (largest groups, at most 5):
weekly-gap_line = { $rank }. { $count }×: "{ $question }" and similar (tickets: { $departments })
weekly-gap_no_ticket = none
weekly-gaps_tail = YAML drafts of new entries: citizen-desk gaps --clusters --days 7
weekly-no_gaps = The FAQ left no question unanswered last week.
fresh-head = 🗂️ { $department }: these FAQ answers need a review ({ $date }):
fresh-expired = • { $id } "{ $question }" expired on { $day }; the bot no longer gives this answer
fresh-expiring = • { $id } "{ $question }" expires on { $day }
fresh-stale = • { $id } "{ $question }" last reviewed on { $day }, over { $days } days ago
fresh-unreviewed = • { $id } "{ $question }" has no review date
fresh-tail = Please check the answers, then update their 'reviewed' (and 'expires') dates. Files: { $files }
fresh-admin_head = 🗂️ FAQ review ({ $date }): { $count } answers need a review
fresh-admin_dept = { $department } ({ $count }):
fresh-no_owner = no owning department
# A deadline window in words (window-within: "within 3 working days")
window-within = within { $window }
window-same_day = the same working day
window-days = { $count ->
    [one] { $count } working day
   *[other] { $count } working days
}
window-hours = { $count ->
    [one] { $count } working hour
   *[other] { $count } working hours
}
window-minutes = { $count ->
    [one] { $count } working minute
   *[other] { $count } working minutes
}
window-hours_minutes = { $hours } h { $minutes } min of working time
window-none = less than a working minute

# A year the holiday calendar does not cover (to the administrators, `departments check`, the log)
calendar-gap_estimated = The official { $year } holiday schedule is not known: festival dates are estimated by the holidays package, and make-up working days are unknown (every weekend day counts as a day off). Copy the State Council notice for { $year } into { $path } (format: README, 'Yearly holiday schedules') and /reload.
calendar-gap_fixed_dates = The official { $year } holiday schedule is not known: only fixed-date holidays (New Year, Labour Day, National Day) are known; lunar festivals such as Spring Festival are missing, and make-up working days are unknown (every weekend day counts as a day off). Copy the State Council notice for { $year } into { $path } (format: README, 'Yearly holiday schedules') and /reload.
