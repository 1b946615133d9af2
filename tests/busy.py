"""A small organisation with something of everything the day-to-day views show, as of 2026-11-20.

An annual company objective gives the quarter's cascade its context; Product has a stale and
behind key result, one at risk, a dropped and an achieved objective; Marketing aligns to a key
result and has an objective aligned to nothing (OKR111), so the views also run on a repository
with errors.
"""

from __future__ import annotations

ORG = """
organization: Brightwork
teams:
  company: {name: Brightwork, owners: ["@maya"]}
  product: {name: Product, parent: company, owners: ["@sam"]}
  marketing: {name: Marketing, parent: company, owners: ["@lee", "@ffion"]}
people:
  "@maya": {name: Maya Patel, github: maya-patel}
  "@sam": {name: Sam Okafor}
  "@lee": {name: Lee Thompson}
  "@ffion": {name: Ffion Morgan}
  "@tom": {name: Tom Hughes}
policy:
  cadence: {check_in_every: 7d, grace: 2d}
"""

ANNUAL = """
team: company
period: 2026
objectives:
  - id: grow
    title: Grow the agency business
    key_results:
      - id: arr
        title: Grow ARR from 100 to 200
        unit: £k
        baseline: 100
        target: 200
        check_in_every: 4w
        check_ins:
          - {date: 2026-10-30, value: 180, confidence: 0.7}
"""

COMPANY = """
team: company
period: 2026-Q4
objectives:
  - id: number-one-rated
    title: Become the number one rated tool
    aligns_to: 2026/company/grow
    key_results:
      - id: rating
        title: Average 4.8 stars from UK users
        unit: stars
        baseline: 4.6
        target: 4.8
        check_ins:
          - {date: 2026-11-18, value: 4.7, confidence: 0.6}
"""

PRODUCT = """
team: product
period: 2026-Q4
objectives:
  - id: creatives-love
    title: Launch features that creatives love and that agencies recommend to each other
    aligns_to: company/number-one-rated
    key_results:
      - id: setup-time
        title: Reduce project setup time from 50 to 30 minutes
        owner: "@tom"
        unit: min
        baseline: 50
        target: 30
        check_ins:
          - {date: 2026-11-10, value: 45, confidence: 0.7}
      - id: integrations
        title: Ship the top 3 requested integrations
        milestone: true
        check_ins:
          - {date: 2026-11-18, value: 0.5, confidence: 0.4}
  - id: old-idea
    title: Try a plugin marketplace
    aligns_to: company/number-one-rated
    status: dropped
    reason: Agencies did not ask for it.
    key_results:
      - id: plugins
        title: List 10 plugins
        baseline: 0
        target: 10
  - id: editor
    title: Keep the editor fast
    aligns_to: company/number-one-rated
    status: achieved
    key_results:
      - id: uptime
        title: Keep editor uptime at or above 99.9%
        unit: "%"
        keep: {at_least: 99.9}
        check_ins:
          - {date: 2026-11-16, value: 99.95}
"""

MARKETING = """
team: marketing
period: 2026-Q4
objectives:
  - id: demand
    title: Drive UK agency demand
    aligns_to: company/number-one-rated#rating
    key_results:
      - id: mqls
        title: Generate 100 MQLs
        unit: leads
        baseline: 0
        target: 100
        check_ins:
          - {date: 2026-11-19, value: 60, confidence: 0.8}
  - id: brand
    title: Refresh the brand
    key_results:
      - id: guide
        title: Publish the brand guide
        milestone: true
"""

FILES = {
    "okrs/org.yaml": ORG,
    "okrs/2026/company.yaml": ANNUAL,
    "okrs/2026-Q4/company.yaml": COMPANY,
    "okrs/2026-Q4/product.yaml": PRODUCT,
    "okrs/2026-Q4/marketing.yaml": MARKETING,
}
