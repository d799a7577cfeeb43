"""Shared building blocks with no models of their own: workflows, rate limits, public-form
guards. Any app may import them; they import no app of the portal."""
