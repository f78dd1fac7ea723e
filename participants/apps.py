from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = "Participants"

    def ready(self):
        from django.db.models.signals import post_save

        from cohort import navigation, overview, todo
        from cohort.models import Membership
        from participants.providers import participant_todo, participants_overview, ta_todo
        from participants.signals import create_goals_answer

        navigation.register(
            navigation.NavItem("People", "participants:people", order=20),
            navigation.NavItem("Partners", "participants:partners", "view_partner_board", order=30),
            navigation.NavItem("Pairing", "participants:pairing", order=35),
            navigation.NavItem("Ask for help", "participants:help", "participate", order=60),
            navigation.NavItem(
                "TA dashboard", "participants:ta_dashboard", "help_participants", order=190
            ),
        )
        overview.register(participants_overview)
        todo.register(participant_todo)
        todo.register(ta_todo)
        post_save.connect(
            create_goals_answer, sender=Membership, dispatch_uid="participants_goals_row"
        )

        from cohort.notifications import reminders
        from participants.hooks import goals_form_not_submitted

        reminders.register_audience(reminders.GOALS_FORM_NOT_SUBMITTED, goals_form_not_submitted)
