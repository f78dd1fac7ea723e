from django.apps import AppConfig


class SprintsConfig(AppConfig):
    name = "sprints"
    verbose_name = "Sprints"

    def ready(self):
        from cohort import personal_data as core_personal_data
        from sprints import personal_data

        core_personal_data.register("sprints", export=personal_data.export)
        from cohort import deletion
        from sprints import services

        # Problems PROTECT their ideas and ideas their categories; a cohort deleted whole
        # loses them first.
        deletion.register_guards(
            lambda cohort: services.delete_cohort_problems_and_ideas(cohort=cohort)
        )
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
        from cohort import worklist
        from sprints.providers import sprint_work_list

        worklist.register(sprint_work_list)

        from cohort import people
        from sprints.providers import pair_ta_may_view, person_pair

        people.register_section(person_pair)
        people.register_access(pair_ta_may_view)
        todo.register(sprint_todo, topics=("pairs",))

        from cohort.notifications import reminders
        from events import feed
        from participants import pairs
        from participants.signals import put_dissolved_pair_back_on_board, take_pair_off_board
        from sprints import hooks, queries
        from sprints.signals import pair_dissolved, pair_formed

        reminders.register_audience(reminders.PARTNER_NOT_FOUND, hooks.still_without_partner)
        reminders.register_audience(reminders.SPRINT_PAIR_MEMBERS, hooks.sprint_pair_members)
        reminders.register_audience(reminders.INTERVIEW_NOT_BOOKED, hooks.interview_not_booked)
        feed.register(hooks.booking_feed_items)
        pairs.register(queries.pair_status_by_user)
        pairs.register_ta_pairs(queries.pairs_for_ta)
        # The partner board follows the pairs: who forms one leaves it, who is left returns.
        pair_formed.connect(take_pair_off_board, dispatch_uid="participants_pair_formed")
        pair_dissolved.connect(
            put_dissolved_pair_back_on_board, dispatch_uid="participants_pair_dissolved"
        )

        from sprints import topics

        topics.connect()
