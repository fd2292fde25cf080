-- Race-free registration limit (issue 12): an attempt is inserted as a reservation
-- (reachable null) under the user's quota lock before its probe runs, so pending
-- probes count against registration.max_per_hour; the probe outcome completes it.
alter table node_registrations alter column reachable drop not null;
