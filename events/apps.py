from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Events and schedule"

    def ready(self):
        from cohort import personal_data as core_personal_data
        from events import personal_data

        core_personal_data.register("events", export=personal_data.export)
        from django.db.models.signals import post_delete, post_save

        from cohort import navigation, overview
        from events import feed, signals
        from events.models import Attendance, Event, RecordingOptOut
        from events.providers import attendance_overview, cohort_events_feed

        navigation.register(navigation.NavItem("Schedule", "events:schedule", order=20))
        overview.register(attendance_overview, topics=("events", "attendance", "people"))
        from cohort import worklist
        from events.providers import attendance_work_list

        worklist.register(attendance_work_list, topics=("events", "attendance", "people"))

        from cohort import people
        from events.providers import person_attendance

        people.register_section(person_attendance)
        feed.register(cohort_events_feed)

        from cohort.notifications import command, reminders
        from events.providers import daily_digest, next_event_line

        reminders.register(daily_digest)
        command.register_section(next_event_line)
        post_save.connect(signals.event_saved, sender=Event, dispatch_uid="events_event_saved")
        post_delete.connect(
            signals.event_deleted, sender=Event, dispatch_uid="events_event_deleted"
        )

        from django.db.models.signals import pre_delete

        from cohort import fragments
        from cohort.models import User
        from events.queries import TOPIC

        fragments.watch(Event, TOPIC)
        # Who attended which event, and who opted out of recordings (the overview's figures).
        fragments.watch(Attendance, "attendance", cohort_of=signals.cohort_of_attendance)
        fragments.watch(RecordingOptOut, "attendance")
        post_save.connect(signals.host_saved, sender=User, dispatch_uid="events_host_saved")
        pre_delete.connect(signals.host_deleted, sender=User, dispatch_uid="events_host_deleted")
