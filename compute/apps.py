from django.apps import AppConfig


class ComputeConfig(AppConfig):
    name = "compute"
    verbose_name = "Compute budgets and claims"

    def ready(self):
        from cohort import deletion
        from cohort import personal_data as core_personal_data
        from compute import personal_data, services

        core_personal_data.register(
            "compute", export=personal_data.export, purge_finance=personal_data.purge_finance
        )
        # The audit trail PROTECTs its claims and top-ups; a cohort deleted whole loses it first.
        deletion.register_guards(lambda cohort: services.delete_audit_trail(cohort=cohort))
        from cohort import navigation, overview, todo
        from compute.providers import compute_overview, compute_todo

        navigation.register(
            navigation.NavItem("Compute", "compute:ledger", "use_compute", order=60, group="me"),
            navigation.NavItem(
                "Claims",
                "compute:review",
                "review_compute",
                order=65,
                group="staff",
                covers=("compute/claims/", "compute/top-ups/", "compute/receipts/"),
            ),
        )
        todo.register(compute_todo, topics=("compute",))
        overview.register(compute_overview)

        from cohort import people
        from compute.providers import person_claims

        people.register_section(person_claims)

        from compute import caching

        caching.watch()
