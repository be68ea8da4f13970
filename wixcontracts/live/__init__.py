"""Live runs against a Wix sandbox site (issue 7): ``client`` (HTTP, rate limit, retries),
``ratelimit``, ``recorder`` (scrubbed fixtures), ``safety`` (refusals), ``runner`` (scenarios), ``cli``."""
