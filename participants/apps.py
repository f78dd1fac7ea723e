from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = "Participants"

    def ready(self):
        from django.db.models.signals import post_save

        from cohort import navigation, overview, standing, todo
        from cohort.models import Membership
        from participants.providers import (
            participant_todo,
            participants_overview,
            ta_todo,
            withdrawal_standing,
        )
        from participants.signals import create_goals_answer

        navigation.register(
            navigation.NavItem("People", "participants:people", order=20),
            navigation.NavItem(
                "Partners", "participants:partners", "view_partner_board", order=30, group="sprint"
            ),
            navigation.NavItem("Pairing", "participants:pairing", order=35, group="sprint"),
            navigation.NavItem(
                "My forms",
                "participants:my_forms",
                "participate",
                order=55,
                group="me",
                covers=("participants:goals", "participants:withdraw"),
            ),
            navigation.NavItem(
                "My slide",
                "participants:edit_profile",
                order=50,
                group="me",
                covers=("participants:edit_intro",),
            ),
            navigation.NavItem(
                "Ask for help", "participants:help", "participate", order=60, group="me"
            ),
            navigation.NavItem(
                "TA dashboard",
                "participants:ta_dashboard",
                "help_participants",
                order=190,
                group="staff",
            ),
        )
        overview.register(participants_overview)
        todo.register(participant_todo)
        standing.register(withdrawal_standing)
        todo.register(ta_todo)
        post_save.connect(
            create_goals_answer, sender=Membership, dispatch_uid="participants_goals_row"
        )

        from cohort import reminders
        from participants.hooks import goals_form_not_submitted
        from participants.signals import put_dissolved_pair_back_on_board, take_pair_off_board
        from sprints.signals import pair_dissolved, pair_formed

        reminders.register_audience(reminders.GOALS_FORM_NOT_SUBMITTED, goals_form_not_submitted)

        pair_formed.connect(take_pair_off_board, dispatch_uid="participants_pair_formed")
        pair_dissolved.connect(
            put_dissolved_pair_back_on_board, dispatch_uid="participants_pair_dissolved"
        )
