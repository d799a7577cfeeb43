"""Admin of trainings, trainers, sessions, registrations, attendance and certificates."""
