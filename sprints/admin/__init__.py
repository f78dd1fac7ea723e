"""The mentor's review of sprints in the Django admin, one module per part of the review; every
admin here is scoped to the mentor's cohorts by `cohort.admin_scoping`."""

from sprints.admin import bookings, dates, ideas, pairs, problems, selection

__all__ = ["bookings", "dates", "ideas", "pairs", "problems", "selection"]
