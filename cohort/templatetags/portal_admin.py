from django import template
from django.contrib import admin

register = template.Library()


@register.simple_tag(takes_context=True)
def admin_sidebar(context):
    """The admin's sidebar, kept by the site (cohort/admin_site.py)."""
    return admin.site.sidebar_html(context)
