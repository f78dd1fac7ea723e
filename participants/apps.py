from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = "Participants"

    def ready(self):
        from cohort import personal_data as core_personal_data
        from participants import personal_data

        core_personal_data.register(
            "participants", export=personal_data.export, purge_personal=personal_data.purge_personal
        )
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
        from cohort import worklist
        from participants.providers import participants_work_list

        worklist.register(participants_work_list)

        from cohort import people
        from participants.providers import person_goals, person_help, person_slide, ta_may_view

        people.register_access(ta_may_view)
        for section in (person_slide, person_goals, person_help):
            people.register_section(section)
        todo.register(participant_todo, topics=("people",))
        standing.register(withdrawal_standing, joins=("withdrawal",))
        todo.register(ta_todo, topics=("help",))
        post_save.connect(
            create_goals_answer, sender=Membership, dispatch_uid="participants_goals_row"
        )

        from cohort.notifications import reminders
        from participants.hooks import goals_form_not_submitted

        reminders.register_audience(reminders.GOALS_FORM_NOT_SUBMITTED, goals_form_not_submitted)

        from participants import topics

        topics.connect()
