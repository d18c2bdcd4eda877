# Vietnamese groups thousands with dots (1.240.000); Django's own vi locale leaves grouping off.
# Only numbers formatted with force_grouping (the statistics) use it.
NUMBER_GROUPING = 3
