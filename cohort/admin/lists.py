"""What makes a long admin changelist cheap to draw, for the lists staff open all day."""

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cohort.widgets import PlainSelect


class QuickActionForm(helpers.ActionForm):
    action = forms.ChoiceField(label=gettext_lazy("Action:"), widget=PlainSelect)


class QuickChangelistMixin:
    """A changelist whose row checkboxes and action select are written out directly: Django
    renders each through a widget template, which on a page of rows costs more than the rows."""

    action_form = QuickActionForm

    @admin.display(description=mark_safe('<input type="checkbox" id="action-toggle">'))
    def action_checkbox(self, obj):
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(_("Select this object for an action - {}"), obj),
        )
