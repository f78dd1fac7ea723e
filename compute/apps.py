from django.apps import AppConfig


class ComputeConfig(AppConfig):
    name = "compute"
    verbose_name = "Compute budgets and claims"

    def ready(self):
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
                covers=("compute/claims/", "compute/top-ups/"),
            ),
        )
        todo.register(compute_todo)
        overview.register(compute_overview)
