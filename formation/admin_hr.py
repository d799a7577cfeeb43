"""Admin of HR support requests (appui RH) and the quality dashboard."""
