"""Alerts: definitions, the ISA-18.2 lifecycle, escalation, notification and the durable outbox.

A resident presses the SOS button at 03:12: `alert.resident_r01_sos` becomes `active`, the
night caregiver on call is told, and if nobody says "I've got it" within five minutes the
on-call nurse is told; a crash in between loses nothing, and the escalation goes on at its
original times after the restart.

Configuration (`alerts:` in hub.yaml; definitions may also be written in the rule folders, in
files named `*.alerts.yaml` holding a list of definitions)::

    alerts:
      base_url: http://127.0.0.1:8123        # acknowledgement links (/ack/{token})
      ack_secret: !secret ack_secret         # optional; else derived from the first API token
      notifiers: { app: { type: webhook, url: ..., secret: ... }, log: { type: log } }
      people: { maria: { name: Maria, contacts: [ { notifier: app, address: maria } ] } }
      groups: { nurses: [eleni] }
      rotas:                                 # the first shift covering the moment, local time
        care_on_call:
          - { days: [mon, tue, wed, thu, fri], from: "07:00", to: "22:00", people: [maria] }
          - { from: "22:00", to: "07:00", people: [nikos] }   # ends the next morning
      policies:
        care_critical:
          steps:                             # targets: person, group.x, rota.x, notifier.x
            - { notify: [rota.care_on_call], wait: "00:05:00" }
            - { notify: [group.nurses], call: { action: light.turn_on, target: {...} } }
          loop: 2                            # the steps run twice in all
      flood: { group_window: "00:00:30", rate_limit: 6, rate_period: "00:10:00",
               rate_exempt: [critical], chatter_count: 3, chatter_window: "00:01:00",
               stale_after: "24:00:00" }
      retry: { first: "00:00:10", factor: 2, longest: "00:05:00" }
      shelve_max: "08:00:00"
      definitions:
        - id: tank_north_low                 # the entity alert.tank_north_low
          name: Tank North low
          condition: { type: threshold, entity_id: sensor.tank_north_level, below: 0.5,
                       deadband: 0.1 }       # or {type: state, entity_id, state}, or
                                             # {type: template, template: "{{ ... }}"};
                                             # none: raised by rules (alert.raise)
          on_delay: "00:00:30"
          off_delay: "00:00:10"
          severity: high                     # critical, high, medium, low
          category: water                    # care, water, energy, lighting, maintenance
          policy: water
          title: "Tank North is low: {{ value }} m"
          message: "..."                     # templates: alert, entity_id, value, since,
          link: "..."                        # since_local, link, and `variables:`
          variables: { site: Water station }
          repeat: ["00:15:00"]               # reminders while unacknowledged (last repeats)
          latched: false                     # stays (state `latched`) until alert.reset
          realarm: "00:30:00"                # acknowledged but still active: alarm again
          group: north_station               # one notification for alerts of one group
          shelve_max: "04:00:00"

Lifecycle (`alert.<id>` state): normal, active (unacknowledged), acknowledged, returned
(back to normal, never acknowledged), latched, shelved, suppressed. Attributes: severity,
category, title, message, active, acknowledged, since, returned_at, acknowledged_by/_at,
shelved_until/_by, shelve_reason, suppressed_by, notified, escalation_step, escalation_round,
next_escalation, reminders, realarms, chattering, stale, policy, group, source, last_action,
last_by, last_note, and template_errors / delivery_problem when there are any.

Services (each takes `alert_id` — one or a list — or a target `alert.<id>`, and `who`, `note`):
`alert.raise` (+ title, message, variables), `alert.clear`, `alert.acknowledge`,
`alert.shelve` (+ duration, reason, one_shot), `alert.unshelve`, `alert.reset`,
`alert.suppress` (+ duration), `alert.unsuppress`.

Events: `alert_transition` (alert_id, entity_id, action, from, to, who, note, severity,
category, at), `alert_notification` (key, alert_id, alerts, recipient, via, channel, title,
body, severity, attempt, ...), `alert_delivery_failed`, `alert_chattering`, `alert_stale`.

Never lost: every change of an alert is saved in the recorder's durable store and written to
the `alert_log` table (synchronous commits), and every notification is saved in the outbox
before it is sent; it stays there, retried with backoff, until its notifier accepts it. Its
idempotency key (`<alert>/<escalation>/<step or reminder>/<person>/<notifier>`) is the same
for every retry and resend.

Python API::

    from kozani_hub.alerts.engine import AlertEngine      # the hub component "alerts"
    engine = AlertEngine(hub, config, definitions=(), record_notifications=False)
    engine.state("r01_sos"); engine.acknowledge("r01_sos", who="eleni", note="on my way")
    engine.raise_alert / clear / shelve / unshelve / reset / suppress / unsuppress
    engine.install_http(server)        # acknowledgement links on the HTTP server
    await engine.idle()                # until no notification is being sent
    from kozani_hub.alerts.setup import alert_engine, alert_issues   # from a LoadedConfig
"""
