"""The mentor's list of ideas and their categories, and the participants' mini-project logs."""

from django.contrib import admin

from cohort.models import Role
from sprints.admin._common import SprintsAdmin
from sprints.models import Idea, IdeaCategory, MiniProject


@admin.register(IdeaCategory)
class IdeaCategoryAdmin(SprintsAdmin):
    list_display = ["name", "cohort", "order"]
    list_editable = ["order"]
    list_filter = ["cohort"]
    search_fields = ["name"]


@admin.register(Idea)
class IdeaAdmin(SprintsAdmin):
    list_display = ["title", "category", "difficulty", "kind", "cohort"]
    list_filter = ["category", "difficulty", "kind", "cohort"]
    search_fields = ["title", "description"]
    list_select_related = ["category", "cohort"]


@admin.register(MiniProject)
class MiniProjectAdmin(SprintsAdmin):
    list_display = ["title", "author", "start_date", "days", "cohort"]
    list_filter = ["cohort"]
    search_fields = ["title", "author__name", "author__email"]
    list_select_related = ["author", "cohort"]
    autocomplete_fields = ["author", "collaborators", "idea"]
    user_roles = {
        "author": frozenset({Role.PARTICIPANT}),
        "collaborators": frozenset({Role.PARTICIPANT}),
    }
