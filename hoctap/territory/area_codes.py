"""The codes of disadvantaged-area designations, in plain Python.

A designation is what a legal list says of a unit in a year: a commune of zone I, II or III of
the ethnic-minority and mountainous areas (QĐ 861/QĐ-TTg, 04/06/2021, by the criteria of
QĐ 33/2020/QĐ-TTg), or an extremely disadvantaged village (QĐ 612/QĐ-UBDT, 16/09/2021). The
criteria sets map these codes to their own area classes (`scoring.area_rules`), so the criteria
schema, which imports no Django, reads the codes from here; `models.Designation` gives them names.
"""

ZONE_1 = "zone_1"
ZONE_2 = "zone_2"
ZONE_3 = "zone_3"
VILLAGE_EXTREME = "village_extreme"

# Which level of unit each designation is given to: zones to communes, the village list to villages.
COMMUNE_DESIGNATIONS = (ZONE_1, ZONE_2, ZONE_3)
VILLAGE_DESIGNATIONS = (VILLAGE_EXTREME,)
DESIGNATION_CODES = COMMUNE_DESIGNATIONS + VILLAGE_DESIGNATIONS
