"""Who the desk deals with: citizens (:mod:`.citizens`), staff and their invites
(:mod:`.staff`), the departments table kept in sync with the departments file
(:mod:`.departments`), and the one department directory that says who receives what about a
department's tickets (:mod:`.directory`)."""
