from django.apps import AppConfig


class CohortConfig(AppConfig):
    name = "cohort"
    verbose_name = "Cohorts and accounts"

    def register(self):
        from cohort import navigation, overview, personal_data, todo
        from cohort.notifications import reminders
        from cohort.providers import invitation_overview, open_invitations_todo

        navigation.register(
            navigation.NavItem("Home", "cohort:home", order=0),
            navigation.NavItem("Announcements", "cohort:announcements", order=10),
            navigation.NavItem("Resources", "cohort:resources", order=80),
            navigation.NavItem("FAQ", "cohort:faq", order=90),
            navigation.NavItem(
                "Overview", "cohort:overview", "view_overview", order=200, group="staff"
            ),
            navigation.NavItem(
                "Notifications", "cohort:notification_settings", order=95, group="me"
            ),
        )
        for reminder in reminders.CORE_REMINDERS:
            reminders.register(reminder)
        overview.register(invitation_overview)
        personal_data.register(
            "cohort",
            export=personal_data.core_export,
            purge_personal=personal_data.core_purge_personal,
        )
        todo.register(open_invitations_todo, topics=("invitations",))

    def ready(self):
        # Services enqueue these tasks by name (the task modules import the services).
        from allauth.account.signals import user_logged_in
        from django.db.models.signals import post_save, pre_delete

        from cohort import (
            checks,  # noqa: F401  (registers the deploy checks)
            fragments,
            tasks,  # noqa: F401
            visitors,
        )
        from cohort.models import Announcement, Cohort, Invitation, Membership, User
        from cohort.notifications import tasks as notification_tasks  # noqa: F401
        from cohort.notifications.signals import announcement_deleting, announcement_saved
        from cohort.signals import accept_invitations_on_login

        user_logged_in.connect(accept_invitations_on_login, dispatch_uid="cohort_accept_on_login")
        # A cohort's slug, name, zone or budget is in many cached fragments: renew them all.
        post_save.connect(fragments.cohort_saved, sender=Cohort, dispatch_uid="fragments_cohort")
        # Every page keeps its visitor's user and membership rows (cohort.visitors).
        post_save.connect(
            lambda instance, **kwargs: visitors.cohort_changed(instance.pk),
            sender=Cohort,
            weak=False,
            dispatch_uid="visitors_cohort",
        )
        visitors.watch(Membership, user_of=lambda row: row.user_id)
        # Who has not signed up yet: the staff's to-do list and the overview.
        fragments.watch(Invitation, "invitations")
        visitors.watch(User, user_of=lambda row: row.pk)
        post_save.connect(
            announcement_saved, sender=Announcement, dispatch_uid="announcement_slack"
        )
        pre_delete.connect(
            announcement_deleting, sender=Announcement, dispatch_uid="announcement_slack_delete"
        )
        self.register()
