"""Where each country is, roughly, for the dashboard's world map.

The `country` dimension holds ISO 3166-1 alpha-2 codes (from CDN headers or a MaxMind-format
database), so this table maps each code to an English name and one point near the country's
middle: latitude and longitude in degrees, rounded, written down by hand for this project.
A dot per country is all the map draws, so a degree or so off does not matter. Codes that name
no country (Cloudflare's `XX` unknown and `T1` Tor, MaxMind's old `EU`/`AP`) have no entry.
"""

from __future__ import annotations

from typing import NamedTuple


class Place(NamedTuple):
    name: str
    lat: float
    lon: float


# Sorted by code. Spread-out states get the point where most of their land or people are
# (the Malaysian peninsula, mainland Norway, Tarawa for Kiribati) so the dot lands on land.
COUNTRIES: dict[str, Place] = {code: Place(*values) for code, values in {
    "AD": ("Andorra", 42.5, 1.5), "AE": ("United Arab Emirates", 24, 54),
    "AF": ("Afghanistan", 33, 65), "AG": ("Antigua and Barbuda", 17.1, -61.8),
    "AI": ("Anguilla", 18.2, -63.1), "AL": ("Albania", 41, 20),
    "AM": ("Armenia", 40.2, 45), "AO": ("Angola", -12.5, 18.5),
    "AQ": ("Antarctica", -80, 0), "AR": ("Argentina", -34, -64),
    "AS": ("American Samoa", -14.3, -170.7), "AT": ("Austria", 47.5, 14.5),
    "AU": ("Australia", -25, 134), "AW": ("Aruba", 12.5, -70),
    "AX": ("Åland Islands", 60.2, 20), "AZ": ("Azerbaijan", 40.5, 47.5),
    "BA": ("Bosnia and Herzegovina", 44, 18), "BB": ("Barbados", 13.2, -59.5),
    "BD": ("Bangladesh", 24, 90), "BE": ("Belgium", 50.8, 4.5),
    "BF": ("Burkina Faso", 12.5, -1.5), "BG": ("Bulgaria", 42.7, 25.3),
    "BH": ("Bahrain", 26, 50.5), "BI": ("Burundi", -3.4, 29.9),
    "BJ": ("Benin", 9.5, 2.3), "BL": ("Saint Barthélemy", 17.9, -62.8),
    "BM": ("Bermuda", 32.3, -64.8), "BN": ("Brunei", 4.5, 114.7),
    "BO": ("Bolivia", -17, -65), "BQ": ("Caribbean Netherlands", 12.2, -68.3),
    "BR": ("Brazil", -10, -53), "BS": ("Bahamas", 24.3, -76.5),
    "BT": ("Bhutan", 27.5, 90.5), "BV": ("Bouvet Island", -54.4, 3.4),
    "BW": ("Botswana", -22.3, 24), "BY": ("Belarus", 53.7, 28),
    "BZ": ("Belize", 17.2, -88.7), "CA": ("Canada", 57, -100),
    "CC": ("Cocos (Keeling) Islands", -12.2, 96.8), "CD": ("DR Congo", -2.9, 23.6),
    "CF": ("Central African Republic", 6.6, 20.9), "CG": ("Congo", -0.7, 15.2),
    "CH": ("Switzerland", 46.8, 8.2), "CI": ("Côte d'Ivoire", 7.5, -5.5),
    "CK": ("Cook Islands", -21.2, -159.8), "CL": ("Chile", -33, -71),
    "CM": ("Cameroon", 5.7, 12.4), "CN": ("China", 35, 104),
    "CO": ("Colombia", 4, -73), "CR": ("Costa Rica", 9.9, -84),
    "CU": ("Cuba", 21.8, -79), "CV": ("Cape Verde", 15.1, -23.6),
    "CW": ("Curaçao", 12.2, -69), "CX": ("Christmas Island", -10.5, 105.6),
    "CY": ("Cyprus", 35, 33.2), "CZ": ("Czechia", 49.8, 15.5),
    "DE": ("Germany", 51, 10.4), "DJ": ("Djibouti", 11.7, 42.6),
    "DK": ("Denmark", 56, 9.5), "DM": ("Dominica", 15.4, -61.4),
    "DO": ("Dominican Republic", 18.8, -70.5), "DZ": ("Algeria", 28, 2.6),
    "EC": ("Ecuador", -1.5, -78.4), "EE": ("Estonia", 58.7, 25.5),
    "EG": ("Egypt", 26.8, 30.5), "EH": ("Western Sahara", 24.5, -13),
    "ER": ("Eritrea", 15.2, 39), "ES": ("Spain", 40, -3.7),
    "ET": ("Ethiopia", 8.6, 39.6), "FI": ("Finland", 63, 26),
    "FJ": ("Fiji", -17.8, 178), "FK": ("Falkland Islands", -51.8, -59.5),
    "FM": ("Micronesia", 6.9, 158.2), "FO": ("Faroe Islands", 62, -6.9),
    "FR": ("France", 46.6, 2.4), "GA": ("Gabon", -0.7, 11.6),
    "GB": ("United Kingdom", 53, -1.8), "GD": ("Grenada", 12.1, -61.7),
    "GE": ("Georgia", 42.2, 43.5), "GF": ("French Guiana", 4, -53),
    "GG": ("Guernsey", 49.5, -2.6), "GH": ("Ghana", 7.9, -1.2),
    "GI": ("Gibraltar", 36.1, -5.4), "GL": ("Greenland", 72, -40),
    "GM": ("Gambia", 13.4, -15.4), "GN": ("Guinea", 10.4, -10.9),
    "GP": ("Guadeloupe", 16.2, -61.6), "GQ": ("Equatorial Guinea", 1.6, 10.4),
    "GR": ("Greece", 39.3, 22), "GS": ("South Georgia and the South Sandwich Islands",
                                        -54.4, -36.6),
    "GT": ("Guatemala", 15.6, -90.3), "GU": ("Guam", 13.4, 144.8),
    "GW": ("Guinea-Bissau", 12, -15), "GY": ("Guyana", 5, -58.9),
    "HK": ("Hong Kong", 22.3, 114.2), "HM": ("Heard Island and McDonald Islands", -53.1, 73.5),
    "HN": ("Honduras", 14.8, -86.6), "HR": ("Croatia", 45.3, 15.8),
    "HT": ("Haiti", 19, -72.4), "HU": ("Hungary", 47.2, 19.4),
    "ID": ("Indonesia", -2.5, 118), "IE": ("Ireland", 53.3, -8),
    "IL": ("Israel", 31.4, 35), "IM": ("Isle of Man", 54.2, -4.5),
    "IN": ("India", 22, 79), "IO": ("British Indian Ocean Territory", -6.3, 71.9),
    "IQ": ("Iraq", 33, 43.7), "IR": ("Iran", 32.5, 54),
    "IS": ("Iceland", 65, -18.5), "IT": ("Italy", 42.8, 12.5),
    "JE": ("Jersey", 49.2, -2.1), "JM": ("Jamaica", 18.1, -77.3),
    "JO": ("Jordan", 31.2, 36.5), "JP": ("Japan", 36.5, 138.5),
    "KE": ("Kenya", 0.2, 37.9), "KG": ("Kyrgyzstan", 41.4, 74.6),
    "KH": ("Cambodia", 12.6, 104.9), "KI": ("Kiribati", 1.4, 173),
    "KM": ("Comoros", -11.9, 43.9), "KN": ("Saint Kitts and Nevis", 17.3, -62.7),
    "KP": ("North Korea", 40.2, 127.3), "KR": ("South Korea", 36.4, 127.9),
    "KW": ("Kuwait", 29.3, 47.6), "KY": ("Cayman Islands", 19.3, -81.3),
    "KZ": ("Kazakhstan", 48, 67), "LA": ("Laos", 18.5, 103),
    "LB": ("Lebanon", 33.9, 35.9), "LC": ("Saint Lucia", 13.9, -61),
    "LI": ("Liechtenstein", 47.2, 9.5), "LK": ("Sri Lanka", 7.8, 80.7),
    "LR": ("Liberia", 6.4, -9.4), "LS": ("Lesotho", -29.6, 28.2),
    "LT": ("Lithuania", 55.3, 23.9), "LU": ("Luxembourg", 49.8, 6.1),
    "LV": ("Latvia", 56.9, 24.6), "LY": ("Libya", 27, 17),
    "MA": ("Morocco", 31.8, -6.8), "MC": ("Monaco", 43.7, 7.4),
    "MD": ("Moldova", 47.2, 28.5), "ME": ("Montenegro", 42.7, 19.3),
    "MF": ("Saint Martin", 18.1, -63.1), "MG": ("Madagascar", -19, 46.7),
    "MH": ("Marshall Islands", 7.1, 171.2), "MK": ("North Macedonia", 41.6, 21.7),
    "ML": ("Mali", 17.5, -4), "MM": ("Myanmar", 21, 96),
    "MN": ("Mongolia", 46.8, 103), "MO": ("Macao", 22.2, 113.5),
    "MP": ("Northern Mariana Islands", 15.2, 145.8), "MQ": ("Martinique", 14.6, -61),
    "MR": ("Mauritania", 20.3, -10.3), "MS": ("Montserrat", 16.7, -62.2),
    "MT": ("Malta", 35.9, 14.4), "MU": ("Mauritius", -20.3, 57.6),
    "MV": ("Maldives", 3.2, 73.2), "MW": ("Malawi", -13.3, 34),
    "MX": ("Mexico", 23.6, -102.5), "MY": ("Malaysia", 4, 102),
    "MZ": ("Mozambique", -18.7, 35.5), "NA": ("Namibia", -22.6, 17.1),
    "NC": ("New Caledonia", -21.3, 165.6), "NE": ("Niger", 17.6, 8.1),
    "NF": ("Norfolk Island", -29, 168), "NG": ("Nigeria", 9.1, 8.7),
    "NI": ("Nicaragua", 12.9, -85.2), "NL": ("Netherlands", 52.2, 5.5),
    "NO": ("Norway", 62, 10), "NP": ("Nepal", 28.4, 84.1),
    "NR": ("Nauru", -0.5, 166.9), "NU": ("Niue", -19, -169.9),
    "NZ": ("New Zealand", -41.5, 172.5), "OM": ("Oman", 21, 57),
    "PA": ("Panama", 8.5, -80), "PE": ("Peru", -9.2, -75),
    "PF": ("French Polynesia", -17.7, -149.4), "PG": ("Papua New Guinea", -6.3, 145),
    "PH": ("Philippines", 12.9, 122), "PK": ("Pakistan", 30, 70),
    "PL": ("Poland", 52, 19.4), "PM": ("Saint Pierre and Miquelon", 46.9, -56.3),
    "PN": ("Pitcairn Islands", -25.1, -130.1), "PR": ("Puerto Rico", 18.2, -66.5),
    "PS": ("Palestine", 31.9, 35.2), "PT": ("Portugal", 39.6, -8),
    "PW": ("Palau", 7.5, 134.6), "PY": ("Paraguay", -23.4, -58.4),
    "QA": ("Qatar", 25.3, 51.2), "RE": ("Réunion", -21.1, 55.5),
    "RO": ("Romania", 45.9, 25), "RS": ("Serbia", 44, 20.9),
    "RU": ("Russia", 60, 95), "RW": ("Rwanda", -2, 29.9),
    "SA": ("Saudi Arabia", 24, 45), "SB": ("Solomon Islands", -9.6, 160.2),
    "SC": ("Seychelles", -4.7, 55.5), "SD": ("Sudan", 15.5, 30),
    "SE": ("Sweden", 62, 15), "SG": ("Singapore", 1.35, 103.8),
    "SH": ("Saint Helena", -15.9, -5.7), "SI": ("Slovenia", 46.1, 14.8),
    "SJ": ("Svalbard and Jan Mayen", 78, 16), "SK": ("Slovakia", 48.7, 19.7),
    "SL": ("Sierra Leone", 8.5, -11.8), "SM": ("San Marino", 43.9, 12.5),
    "SN": ("Senegal", 14.5, -14.5), "SO": ("Somalia", 5.2, 46.2),
    "SR": ("Suriname", 4, -56), "SS": ("South Sudan", 7.9, 30),
    "ST": ("São Tomé and Príncipe", 0.2, 6.6), "SV": ("El Salvador", 13.8, -88.9),
    "SX": ("Sint Maarten", 18, -63.1), "SY": ("Syria", 35, 38.5),
    "SZ": ("Eswatini", -26.5, 31.5), "TC": ("Turks and Caicos Islands", 21.7, -71.8),
    "TD": ("Chad", 15.5, 18.7), "TF": ("French Southern Territories", -49.3, 69.3),
    "TG": ("Togo", 8.6, 0.8), "TH": ("Thailand", 15.9, 101),
    "TJ": ("Tajikistan", 38.9, 71.3), "TK": ("Tokelau", -9.2, -171.8),
    "TL": ("Timor-Leste", -8.9, 125.7), "TM": ("Turkmenistan", 39, 59.6),
    "TN": ("Tunisia", 34, 9.5), "TO": ("Tonga", -21.2, -175.2),
    "TR": ("Türkiye", 39, 35), "TT": ("Trinidad and Tobago", 10.5, -61.3),
    "TV": ("Tuvalu", -8.5, 179.2), "TW": ("Taiwan", 23.7, 121),
    "TZ": ("Tanzania", -6.4, 34.9), "UA": ("Ukraine", 49, 31.2),
    "UG": ("Uganda", 1.4, 32.3), "UM": ("U.S. Outlying Islands", 19.3, 166.6),
    "US": ("United States", 39.8, -98.6), "UY": ("Uruguay", -32.5, -55.8),
    "UZ": ("Uzbekistan", 41.4, 64.6), "VA": ("Vatican City", 41.9, 12.5),
    "VC": ("Saint Vincent and the Grenadines", 13.2, -61.2), "VE": ("Venezuela", 7, -66),
    "VG": ("British Virgin Islands", 18.4, -64.6), "VI": ("U.S. Virgin Islands", 18.3, -64.9),
    "VN": ("Vietnam", 16, 107.8), "VU": ("Vanuatu", -15.4, 166.9),
    "WF": ("Wallis and Futuna", -13.8, -177.2), "WS": ("Samoa", -13.8, -172.1),
    "YE": ("Yemen", 15.6, 48), "YT": ("Mayotte", -12.8, 45.2),
    "ZA": ("South Africa", -29, 25), "ZM": ("Zambia", -13.1, 27.8),
    "ZW": ("Zimbabwe", -19, 29.8),
    # Not in ISO 3166-1, but MaxMind's databases and CDNs use it for Kosovo.
    "XK": ("Kosovo", 42.6, 20.9),
}.items()}


def place_of(code: str) -> Place | None:
    """The country behind a `country` value; lower case is accepted, anything else is None."""
    return COUNTRIES.get(code.strip().upper())


def country_name(code: str) -> str:
    """An English name for a code, or the code itself when it names no country."""
    place = place_of(code)
    return place.name if place else code
