from django.apps import AppConfig


class CohortConfig(AppConfig):
    name = "cohort"
    verbose_name = "Cohorts and accounts"

    def register(self):
        from cohort import navigation, overview, reminders, todo
        from cohort.providers import invitation_overview, open_invitations_todo

        navigation.register(
            navigation.NavItem("Home", "cohort:home", order=0),
            navigation.NavItem("Announcements", "cohort:announcements", order=10),
            navigation.NavItem("Resources", "cohort:resources", order=80),
            navigation.NavItem("FAQ", "cohort:faq", order=90),
            navigation.NavItem("Overview", "cohort:overview", "view_overview", order=200),
            navigation.NavItem("Notifications", "cohort:notification_settings", order=95),
        )
        for reminder in reminders.CORE_REMINDERS:
            reminders.register(reminder)
        overview.register(invitation_overview)
        todo.register(open_invitations_todo)

    def ready(self):
        from allauth.account.signals import user_logged_in

        from cohort import checks  # noqa: F401  (registers the deploy checks)
        from cohort.signals import accept_invitations_on_login

        user_logged_in.connect(accept_invitations_on_login, dispatch_uid="cohort_accept_on_login")
        self.register()
