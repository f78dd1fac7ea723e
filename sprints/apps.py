from django.apps import AppConfig


class SprintsConfig(AppConfig):
    name = "sprints"
    verbose_name = "Sprints"

    def ready(self):
        from cohort import navigation, overview, todo
        from sprints.providers import sprint_overview, sprint_todo

        navigation.register(
            navigation.NavItem("Ideas", "sprints:ideas", order=30, group="sprint"),
            navigation.NavItem("Mini-projects", "sprints:mini_projects", order=35, group="sprint"),
            navigation.NavItem(
                "My sprint", "sprints:sprint", "sprint_pair", order=40, group="sprint"
            ),
            navigation.NavItem(
                "Partner suggestions",
                "sprints:partner_suggestions",
                "suggest_partners",
                order=190,
                group="staff",
            ),
        )
        from django.db.models.signals import post_save

        from cohort.models import Cohort
        from sprints.signals import add_default_categories

        post_save.connect(add_default_categories, sender=Cohort, dispatch_uid="sprints_categories")
        overview.register(sprint_overview)
        todo.register(sprint_todo)

        from cohort import reminders
        from events import feed
        from sprints import hooks

        reminders.register_audience(reminders.PARTNER_NOT_FOUND, hooks.still_without_partner)
        reminders.register_audience(reminders.SPRINT_PAIR_MEMBERS, hooks.sprint_pair_members)
        reminders.register_audience(reminders.INTERVIEW_NOT_BOOKED, hooks.interview_not_booked)
        feed.register(hooks.booking_feed_items)
