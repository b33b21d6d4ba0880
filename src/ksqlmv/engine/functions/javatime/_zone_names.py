# ruff: noqa: E501, RUF001
"""The zone names Java prints and parses for pattern letters `z` and `v`, in US English.

One line per zone ID that java.time knows: ID, standard short and long name, daylight short and
long name, generic short and long name (tab-separated). These are the JDK's CLDR names; the IANA
abbreviations in the system's tz database differ for about 240 zones (`GST` versus `+04`).
"""

from __future__ import annotations

__all__ = ["ZONE_NAMES"]

ZONE_NAMES = """\
Africa/Abidjan	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time
Africa/Accra	GMT	Greenwich Mean Time	GHST	Ghana Summer Time	GMT	Ghana Mean Time
Africa/Addis_Ababa	EAT	East Africa Time	EAST	Eastern African Summer Time	EAT	Eastern Africa Time
Africa/Algiers	CET	Central European Standard Time	CEST	Central European Summer Time	CET	Central European Time
Africa/Asmara	EAT	East Africa Time	EAST	Eastern African Summer Time	EAT	Eastern Africa Time
Africa/Asmera	EAT	East Africa Time	EAST	Eastern African Summer Time	EAT	Eastern Africa Time
Africa/Bamako	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time
Africa/Bangui	WAT	West Africa Standard Time	WAST	West Africa Summer Time	WAT	West Africa Time
Africa/Banjul	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time
Africa/Bissau	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time
Africa/Blantyre	CAT	Central Africa Time	CAST	Central African Summer Time	CAT	Central Africa Time
Africa/Brazzaville	WAT	West Africa Standard Time	WAST	West Africa Summer Time	WAT	West Africa Time
Africa/Bujumbura	CAT	Central Africa Time	CAST	Central African Summer Time	CAT	Central Africa Time
Africa/Cairo	EET	Eastern European Standard Time	EEST	Eastern European Summer Time	EET	Eastern European Time
Africa/Casablanca	WET	Western European Time	WEST	Western European Summer Time	WET	Western European Time
Africa/Ceuta	CET	Central European Standard Time	CEST	Central European Summer Time	CET	Central European Time
Africa/Conakry	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time
Africa/Dakar	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time
Africa/Dar_es_Salaam	EAT	East Africa Time	EAST	Eastern African Summer Time	EAT	Eastern Africa Time
Africa/Djibouti	EAT	East Africa Time	EAST	Eastern African Summer Time	EAT	Eastern Africa Time
Africa/Douala	WAT	West Africa Standard Time	WAST	West Africa Summer Time	WAT	West Africa Time
Africa/El_Aaiun	WET	Western European Time	WEST	Western European Summer Time	WET	Western European Time
Africa/Freetown	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time
Africa/Gaborone	CAT	Central Africa Time	CAST	Central African Summer Time	CAT	Central Africa Time
Africa/Harare	CAT	Central Africa Time	CAST	Central African Summer Time	CAT	Central Africa Time
Africa/Johannesburg	SAST	South Africa Standard Time	SAST	South Africa Summer Time	SAT	South Africa Time
Africa/Juba	CAT	Central Africa Time	CAST	Central African Summer Time	CAT	Central Africa Time
Africa/Kampala	EAT	East Africa Time	EAST	Eastern African Summer Time	EAT	Eastern Africa Time
Africa/Khartoum	CAT	Central Africa Time	CAST	Central African Summer Time	CAT	Central Africa Time
Africa/Kigali	CAT	Central Africa Time	CAST	Central African Summer Time	CAT	Central Africa Time
Africa/Kinshasa	WAT	West Africa Standard Time	WAST	West Africa Summer Time	WAT	West Africa Time
Africa/Lagos	WAT	West Africa Standard Time	WAST	West Africa Summer Time	WAT	West Africa Time
Africa/Libreville	WAT	West Africa Standard Time	WAST	West Africa Summer Time	WAT	West Africa Time
Africa/Lome	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time
Africa/Luanda	WAT	West Africa Standard Time	WAST	West Africa Summer Time	WAT	West Africa Time
Africa/Lubumbashi	CAT	Central Africa Time	CAST	Central African Summer Time	CAT	Central Africa Time
Africa/Lusaka	CAT	Central Africa Time	CAST	Central African Summer Time	CAT	Central Africa Time
Africa/Malabo	WAT	West Africa Standard Time	WAST	West Africa Summer Time	WAT	West Africa Time
Africa/Maputo	CAT	Central Africa Time	CAST	Central African Summer Time	CAT	Central Africa Time
Africa/Maseru	SAST	South Africa Standard Time	SAST	South Africa Summer Time	SAT	South Africa Time
Africa/Mbabane	SAST	South Africa Standard Time	SAST	South Africa Summer Time	SAT	South Africa Time
Africa/Mogadishu	EAT	East Africa Time	EAST	Eastern African Summer Time	EAT	Eastern Africa Time
Africa/Monrovia	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time
Africa/Nairobi	EAT	East Africa Time	EAST	Eastern African Summer Time	EAT	Eastern Africa Time
Africa/Ndjamena	WAT	West Africa Standard Time	WAST	West Africa Summer Time	WAT	West Africa Time
Africa/Niamey	WAT	West Africa Standard Time	WAST	West Africa Summer Time	WAT	West Africa Time
Africa/Nouakchott	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time
Africa/Ouagadougou	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time
Africa/Porto-Novo	WAT	West Africa Standard Time	WAST	West Africa Summer Time	WAT	West Africa Time
Africa/Sao_Tome	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time
Africa/Timbuktu	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time
Africa/Tripoli	EET	Eastern European Standard Time	EEST	Eastern European Summer Time	EET	Eastern European Time
Africa/Tunis	CET	Central European Standard Time	CEST	Central European Summer Time	CET	Central European Time
Africa/Windhoek	CAT	Central Africa Time	WAT	Western African Time	CAT	Central African Time
America/Adak	HAST	Hawaii-Aleutian Standard Time	HADT	Hawaii-Aleutian Daylight Time	HAT	Hawaii-Aleutian Time
America/Anchorage	AKST	Alaska Standard Time	AKDT	Alaska Daylight Time	AKT	Alaska Time
America/Anguilla	AST	Atlantic Standard Time	ADT	Atlantic Daylight Time	AT	Atlantic Time
America/Antigua	AST	Atlantic Standard Time	ADT	Atlantic Daylight Time	AT	Atlantic Time
America/Araguaina	BRT	Brasilia Standard Time	BRST	Brasilia Summer Time	BRT	Brasilia Time
America/Argentina/Buenos_Aires	ART	Argentina Standard Time	ARST	Argentina Summer Time	ART	Argentina Time
America/Argentina/Catamarca	ART	Argentina Standard Time	ARST	Argentina Summer Time	ART	Argentina Time
America/Argentina/ComodRivadavia	ART	Argentina Standard Time	ARST	Argentina Summer Time	ART	Argentina Time
America/Argentina/Cordoba	ART	Argentina Standard Time	ARST	Argentina Summer Time	ART	Argentina Time
America/Argentina/Jujuy	ART	Argentina Standard Time	ARST	Argentina Summer Time	ART	Argentina Time
America/Argentina/La_Rioja	ART	Argentina Standard Time	ARST	Argentina Summer Time	ART	Argentina Time
America/Argentina/Mendoza	ART	Argentina Standard Time	ARST	Argentina Summer Time	ART	Argentina Time
America/Argentina/Rio_Gallegos	ART	Argentina Standard Time	ARST	Argentina Summer Time	ART	Argentina Time
America/Argentina/Salta	ART	Argentina Standard Time	ARST	Argentina Summer Time	ART	Argentina Time
America/Argentina/San_Juan	ART	Argentina Standard Time	ARST	Argentina Summer Time	ART	Argentina Time
America/Argentina/San_Luis	ART	Argentina Standard Time	ARST	Argentina Summer Time	ART	Argentina Time
America/Argentina/Tucuman	ART	Argentina Standard Time	ARST	Argentina Summer Time	ART	Argentina Time
America/Argentina/Ushuaia	ART	Argentina Standard Time	ARST	Argentina Summer Time	ART	Argentina Time
America/Aruba	AST	Atlantic Standard Time	ADT	Atlantic Daylight Time	AT	Atlantic Time
America/Asuncion	PYT	Paraguay Standard Time	PYST	Paraguay Summer Time	PYT	Paraguay Time
America/Atikokan	EST	Eastern Standard Time	EDT	Eastern Daylight Time	ET	Eastern Time
America/Atka	HAST	Hawaii-Aleutian Standard Time	HADT	Hawaii-Aleutian Daylight Time	HAT	Hawaii-Aleutian Time
America/Bahia	BRT	Brasilia Standard Time	BRST	Brasilia Summer Time	BRT	Brasilia Time
America/Bahia_Banderas	CST	Central Standard Time	CDT	Central Daylight Time	CT	Central Time
America/Barbados	AST	Atlantic Standard Time	ADT	Atlantic Daylight Time	AT	Atlantic Time
America/Belem	BRT	Brasilia Standard Time	BRST	Brasilia Summer Time	BRT	Brasilia Time
America/Belize	CST	Central Standard Time	CDT	Central Daylight Time	CT	Central Time
America/Blanc-Sablon	AST	Atlantic Standard Time	ADT	Atlantic Daylight Time	AT	Atlantic Time
America/Boa_Vista	AMT	Amazon Standard Time	AMST	Amazon Summer Time	AMT	Amazon Time
America/Bogota	COT	Colombia Standard Time	COST	Colombia Summer Time	COT	Colombia Time
America/Boise	MST	Mountain Standard Time	MDT	Mountain Daylight Time	MT	Mountain Time
America/Buenos_Aires	ART	Argentina Standard Time	ARST	Argentina Summer Time	ART	Argentina Time
America/Cambridge_Bay	MST	Mountain Standard Time	MDT	Mountain Daylight Time	MT	Mountain Time
America/Campo_Grande	AMT	Amazon Standard Time	AMST	Amazon Summer Time	AMT	Amazon Time
America/Cancun	EST	Eastern Standard Time	EDT	Eastern Daylight Time	ET	Eastern Time
America/Caracas	VET	Venezuela Time	VEST	Venezuela Summer Time	VET	Venezuela Time
America/Catamarca	ART	Argentina Standard Time	ARST	Argentina Summer Time	ART	Argentina Time
America/Cayenne	GFT	French Guiana Time	GFST	French Guiana Summer Time	GFT	French Guiana Time
America/Cayman	EST	Eastern Standard Time	EDT	Eastern Daylight Time	ET	Eastern Time
America/Chicago	CST	Central Standard Time	CDT	Central Daylight Time	CT	Central Time
America/Chihuahua	CST	Central Standard Time	CDT	Central Daylight Time	CT	Central Time
America/Ciudad_Juarez	MST	Mountain Standard Time	MDT	Mountain Daylight Time	MT	Mountain Time
America/Coral_Harbour	EST	Eastern Standard Time	EDT	Eastern Daylight Time	ET	Eastern Time
America/Cordoba	ART	Argentina Standard Time	ARST	Argentina Summer Time	ART	Argentina Time
America/Costa_Rica	CST	Central Standard Time	CDT	Central Daylight Time	CT	Central Time
America/Creston	MST	Mountain Standard Time	MDT	Mountain Daylight Time	MT	Mountain Time
America/Cuiaba	AMT	Amazon Standard Time	AMST	Amazon Summer Time	AMT	Amazon Time
America/Curacao	AST	Atlantic Standard Time	ADT	Atlantic Daylight Time	AT	Atlantic Time
America/Danmarkshavn	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time
America/Dawson	MST	Mountain Standard Time	MDT	Mountain Daylight Time	MT	Mountain Time
America/Dawson_Creek	MST	Mountain Standard Time	MDT	Mountain Daylight Time	MT	Mountain Time
America/Denver	MST	Mountain Standard Time	MDT	Mountain Daylight Time	MT	Mountain Time
America/Detroit	EST	Eastern Standard Time	EDT	Eastern Daylight Time	ET	Eastern Time
America/Dominica	AST	Atlantic Standard Time	ADT	Atlantic Daylight Time	AT	Atlantic Time
America/Edmonton	MST	Mountain Standard Time	MDT	Mountain Daylight Time	MT	Mountain Time
America/Eirunepe	ACT	Acre Standard Time	ACST	Acre Summer Time	ACT	Acre Time
America/El_Salvador	CST	Central Standard Time	CDT	Central Daylight Time	CT	Central Time
America/Ensenada	PST	Pacific Standard Time	PDT	Pacific Daylight Time	PT	Pacific Time
America/Fort_Nelson	MST	Mountain Standard Time	MDT	Mountain Daylight Time	MT	Mountain Time
America/Fort_Wayne	EST	Eastern Standard Time	EDT	Eastern Daylight Time	ET	Eastern Time
America/Fortaleza	BRT	Brasilia Standard Time	BRST	Brasilia Summer Time	BRT	Brasilia Time
America/Glace_Bay	AST	Atlantic Standard Time	ADT	Atlantic Daylight Time	AT	Atlantic Time
America/Godthab	WGT	West Greenland Standard Time	WGST	West Greenland Summer Time	WGT	West Greenland Time
America/Goose_Bay	AST	Atlantic Standard Time	ADT	Atlantic Daylight Time	AT	Atlantic Time
America/Grand_Turk	EST	Eastern Standard Time	EDT	Eastern Daylight Time	ET	Eastern Time
America/Grenada	AST	Atlantic Standard Time	ADT	Atlantic Daylight Time	AT	Atlantic Time
America/Guadeloupe	AST	Atlantic Standard Time	ADT	Atlantic Daylight Time	AT	Atlantic Time
America/Guatemala	CST	Central Standard Time	CDT	Central Daylight Time	CT	Central Time
America/Guayaquil	ECT	Ecuador Time	ECST	Ecuador Summer Time	ECT	Ecuador Time
America/Guyana	GYT	Guyana Time	GYST	Guyana Summer Time	GYT	Guyana Time
America/Halifax	AST	Atlantic Standard Time	ADT	Atlantic Daylight Time	AT	Atlantic Time
America/Havana	CST	Cuba Standard Time	CDT	Cuba Daylight Time	CT	Cuba Time
America/Hermosillo	MST	Mexican Pacific Standard Time	MDT	Mexican Pacific Daylight Time	MT	Mexican Pacific Time
America/Indiana/Indianapolis	EST	Eastern Standard Time	EDT	Eastern Daylight Time	ET	Eastern Time
America/Indiana/Knox	CST	Central Standard Time	CDT	Central Daylight Time	CT	Central Time
America/Indiana/Marengo	EST	Eastern Standard Time	EDT	Eastern Daylight Time	ET	Eastern Time
America/Indiana/Petersburg	EST	Eastern Standard Time	EDT	Eastern Daylight Time	ET	Eastern Time
America/Indiana/Tell_City	CST	Central Standard Time	CDT	Central Daylight Time	CT	Central Time
America/Indiana/Vevay	EST	Eastern Standard Time	EDT	Eastern Daylight Time	ET	Eastern Time
America/Indiana/Vincennes	EST	Eastern Standard Time	EDT	Eastern Daylight Time	ET	Eastern Time
America/Indiana/Winamac	EST	Eastern Standard Time	EDT	Eastern Daylight Time	ET	Eastern Time
America/Indianapolis	EST	Eastern Standard Time	EDT	Eastern Daylight Time	ET	Eastern Time
America/Inuvik	MST	Mountain Standard Time	MDT	Mountain Daylight Time	MT	Mountain Time
America/Iqaluit	EST	Eastern Standard Time	EDT	Eastern Daylight Time	ET	Eastern Time
America/Jamaica	EST	Eastern Standard Time	EDT	Eastern Daylight Time	ET	Eastern Time
America/Jujuy	ART	Argentina Standard Time	ARST	Argentina Summer Time	ART	Argentina Time
America/Juneau	AKST	Alaska Standard Time	AKDT	Alaska Daylight Time	AKT	Alaska Time
America/Kentucky/Louisville	EST	Eastern Standard Time	EDT	Eastern Daylight Time	ET	Eastern Time
America/Kentucky/Monticello	EST	Eastern Standard Time	EDT	Eastern Daylight Time	ET	Eastern Time
America/Knox_IN	CST	Central Standard Time	CDT	Central Daylight Time	CT	Central Time
America/Kralendijk	AST	Atlantic Standard Time	ADT	Atlantic Daylight Time	AT	Atlantic Time
America/La_Paz	BOT	Bolivia Time	BOST	Bolivia Summer Time	BOT	Bolivia Time
America/Lima	PET	Peru Standard Time	PEST	Peru Summer Time	PET	Peru Time
America/Los_Angeles	PST	Pacific Standard Time	PDT	Pacific Daylight Time	PT	Pacific Time
America/Louisville	EST	Eastern Standard Time	EDT	Eastern Daylight Time	ET	Eastern Time
America/Lower_Princes	AST	Atlantic Standard Time	ADT	Atlantic Daylight Time	AT	Atlantic Time
America/Maceio	BRT	Brasilia Standard Time	BRST	Brasilia Summer Time	BRT	Brasilia Time
America/Managua	CST	Central Standard Time	CDT	Central Daylight Time	CT	Central Time
America/Manaus	AMT	Amazon Standard Time	AMST	Amazon Summer Time	AMT	Amazon Time
America/Marigot	AST	Atlantic Standard Time	ADT	Atlantic Daylight Time	AT	Atlantic Time
America/Martinique	AST	Atlantic Standard Time	ADT	Atlantic Daylight Time	AT	Atlantic Time
America/Matamoros	CST	Central Standard Time	CDT	Central Daylight Time	CT	Central Time
America/Mazatlan	MST	Mexican Pacific Standard Time	MDT	Mexican Pacific Daylight Time	MT	Mexican Pacific Time
America/Mendoza	ART	Argentina Standard Time	ARST	Argentina Summer Time	ART	Argentina Time
America/Menominee	CST	Central Standard Time	CDT	Central Daylight Time	CT	Central Time
America/Merida	CST	Central Standard Time	CDT	Central Daylight Time	CT	Central Time
America/Metlakatla	AKST	Alaska Standard Time	AKDT	Alaska Daylight Time	AKT	Alaska Time
America/Mexico_City	CST	Central Standard Time	CDT	Central Daylight Time	CT	Central Time
America/Miquelon	PMST	St. Pierre & Miquelon Standard Time	PMDT	St. Pierre & Miquelon Daylight Time	PMT	St. Pierre & Miquelon Time
America/Moncton	AST	Atlantic Standard Time	ADT	Atlantic Daylight Time	AT	Atlantic Time
America/Monterrey	CST	Central Standard Time	CDT	Central Daylight Time	CT	Central Time
America/Montevideo	UYT	Uruguay Standard Time	UYST	Uruguay Summer Time	UYT	Uruguay Time
America/Montreal	EST	Eastern Standard Time	EDT	Eastern Daylight Time	ET	Eastern Time
America/Montserrat	AST	Atlantic Standard Time	ADT	Atlantic Daylight Time	AT	Atlantic Time
America/Nassau	EST	Eastern Standard Time	EDT	Eastern Daylight Time	ET	Eastern Time
America/New_York	EST	Eastern Standard Time	EDT	Eastern Daylight Time	ET	Eastern Time
America/Nipigon	EST	Eastern Standard Time	EDT	Eastern Daylight Time	ET	Eastern Time
America/Nome	AKST	Alaska Standard Time	AKDT	Alaska Daylight Time	AKT	Alaska Time
America/Noronha	FNT	Fernando de Noronha Standard Time	FNST	Fernando de Noronha Summer Time	FNT	Fernando de Noronha Time
America/North_Dakota/Beulah	CST	Central Standard Time	CDT	Central Daylight Time	CT	Central Time
America/North_Dakota/Center	CST	Central Standard Time	CDT	Central Daylight Time	CT	Central Time
America/North_Dakota/New_Salem	CST	Central Standard Time	CDT	Central Daylight Time	CT	Central Time
America/Nuuk	WGT	West Greenland Standard Time	WGST	West Greenland Summer Time	WGT	West Greenland Time
America/Ojinaga	CST	Central Standard Time	CDT	Central Daylight Time	CT	Central Time
America/Panama	EST	Eastern Standard Time	EDT	Eastern Daylight Time	ET	Eastern Time
America/Pangnirtung	EST	Eastern Standard Time	EDT	Eastern Daylight Time	ET	Eastern Time
America/Paramaribo	SRT	Suriname Time	SRST	Suriname Summer Time	SRT	Suriname Time
America/Phoenix	MST	Mountain Standard Time	MDT	Mountain Daylight Time	MT	Mountain Time
America/Port-au-Prince	EST	Eastern Standard Time	EDT	Eastern Daylight Time	ET	Eastern Time
America/Port_of_Spain	AST	Atlantic Standard Time	ADT	Atlantic Daylight Time	AT	Atlantic Time
America/Porto_Acre	ACT	Acre Standard Time	ACST	Acre Summer Time	ACT	Acre Time
America/Porto_Velho	AMT	Amazon Standard Time	AMST	Amazon Summer Time	AMT	Amazon Time
America/Puerto_Rico	AST	Atlantic Standard Time	ADT	Atlantic Daylight Time	AT	Atlantic Time
America/Punta_Arenas	GMT-03:00	Punta Arenas Standard Time	GMT-03:00	Punta Arenas Standard Time	GMT-03:00	Punta Arenas Time
America/Rainy_River	CST	Central Standard Time	CDT	Central Daylight Time	CT	Central Time
America/Rankin_Inlet	CST	Central Standard Time	CDT	Central Daylight Time	CT	Central Time
America/Recife	BRT	Brasilia Standard Time	BRST	Brasilia Summer Time	BRT	Brasilia Time
America/Regina	CST	Central Standard Time	CDT	Central Daylight Time	CT	Central Time
America/Resolute	CST	Central Standard Time	CDT	Central Daylight Time	CT	Central Time
America/Rio_Branco	ACT	Acre Standard Time	ACST	Acre Summer Time	ACT	Acre Time
America/Rosario	ART	Argentina Standard Time	ARST	Argentina Summer Time	ART	Argentina Time
America/Santa_Isabel	PST	Northwest Mexico Standard Time	PDT	Northwest Mexico Daylight Time	PT	Northwest Mexico Time
America/Santarem	BRT	Brasilia Standard Time	BRST	Brasilia Summer Time	BRT	Brasilia Time
America/Santiago	CLT	Chile Standard Time	CLST	Chile Summer Time	CLT	Chile Time
America/Santo_Domingo	AST	Atlantic Standard Time	ADT	Atlantic Daylight Time	AT	Atlantic Time
America/Sao_Paulo	BRT	Brasilia Standard Time	BRST	Brasilia Summer Time	BRT	Brasilia Time
America/Scoresbysund	EGT	East Greenland Standard Time	EGST	East Greenland Summer Time	EGT	East Greenland Time
America/Shiprock	MST	Mountain Standard Time	MDT	Mountain Daylight Time	MT	Mountain Time
America/Sitka	AKST	Alaska Standard Time	AKDT	Alaska Daylight Time	AKT	Alaska Time
America/St_Barthelemy	AST	Atlantic Standard Time	ADT	Atlantic Daylight Time	AT	Atlantic Time
America/St_Johns	NST	Newfoundland Standard Time	NDT	Newfoundland Daylight Time	NT	Newfoundland Time
America/St_Kitts	AST	Atlantic Standard Time	ADT	Atlantic Daylight Time	AT	Atlantic Time
America/St_Lucia	AST	Atlantic Standard Time	ADT	Atlantic Daylight Time	AT	Atlantic Time
America/St_Thomas	AST	Atlantic Standard Time	ADT	Atlantic Daylight Time	AT	Atlantic Time
America/St_Vincent	AST	Atlantic Standard Time	ADT	Atlantic Daylight Time	AT	Atlantic Time
America/Swift_Current	CST	Central Standard Time	CDT	Central Daylight Time	CT	Central Time
America/Tegucigalpa	CST	Central Standard Time	CDT	Central Daylight Time	CT	Central Time
America/Thule	AST	Atlantic Standard Time	ADT	Atlantic Daylight Time	AT	Atlantic Time
America/Thunder_Bay	EST	Eastern Standard Time	EDT	Eastern Daylight Time	ET	Eastern Time
America/Tijuana	PST	Pacific Standard Time	PDT	Pacific Daylight Time	PT	Pacific Time
America/Toronto	EST	Eastern Standard Time	EDT	Eastern Daylight Time	ET	Eastern Time
America/Tortola	AST	Atlantic Standard Time	ADT	Atlantic Daylight Time	AT	Atlantic Time
America/Vancouver	PST	Pacific Standard Time	PDT	Pacific Daylight Time	PT	Pacific Time
America/Virgin	AST	Atlantic Standard Time	ADT	Atlantic Daylight Time	AT	Atlantic Time
America/Whitehorse	MST	Mountain Standard Time	MDT	Mountain Daylight Time	MT	Mountain Time
America/Winnipeg	CST	Central Standard Time	CDT	Central Daylight Time	CT	Central Time
America/Yakutat	AKST	Alaska Standard Time	AKDT	Alaska Daylight Time	AKT	Alaska Time
America/Yellowknife	MST	Mountain Standard Time	MDT	Mountain Daylight Time	MT	Mountain Time
Antarctica/Casey	AWST	Casey Time	AWDT	Australian Western Daylight Time	AWT	Australian Western Time
Antarctica/Davis	DAVT	Davis Time	DAVST	Davis Summer Time	DAVT	Davis Time
Antarctica/DumontDUrville	DDUT	Dumont-d’Urville Time	DDUST	Dumont-d'Urville Summer Time	DDUT	Dumont-d'Urville Time
Antarctica/Macquarie	AEST	Australian Eastern Standard Time	AEDT	Australian Eastern Daylight Time	AET	Eastern Australia Time
Antarctica/Mawson	MAWT	Mawson Time	MAWST	Mawson Summer Time	MAWT	Mawson Time
Antarctica/McMurdo	NZST	New Zealand Standard Time	NZDT	New Zealand Daylight Time	NZT	New Zealand Time
Antarctica/Palmer	CLT	Chile Time	CLST	Chile Summer Time	CLT	Chile Time
Antarctica/Rothera	ROTT	Rothera Time	ROTST	Rothera Summer Time	ROTT	Rothera Time
Antarctica/South_Pole	NZST	New Zealand Standard Time	NZDT	New Zealand Daylight Time	NZT	New Zealand Time
Antarctica/Syowa	SYOT	Syowa Time	SYOST	Syowa Summer Time	SYOT	Syowa Time
Antarctica/Troll	GMT	Greenwich Mean Time	CEST	Central European Summer Time	ATT	Troll Time
Antarctica/Vostok	VOST	Vostok Time	VOSST	Vostok Summer Time	VOST	Vostok Time
Arctic/Longyearbyen	CET	Central European Standard Time	CEST	Central European Summer Time	CET	Central European Time
Asia/Aden	AST	Arabian Standard Time	ADT	Arabian Daylight Time	AT	Arabian Time
Asia/Almaty	ALMT	East Kazakhstan Time	ALMST	Alma-Ata Summer Time	ALMT	Alma-Ata Time
Asia/Amman	EET	Eastern European Standard Time	EEST	Eastern European Summer Time	EET	Eastern European Time
Asia/Anadyr	ANAT	Anadyr Standard Time	ANAST	Anadyr Summer Time	ANAT	Anadyr Time
Asia/Aqtau	AQTT	West Kazakhstan Time	AQTST	Aqtau Summer Time	AQTT	Aqtau Time
Asia/Aqtobe	AQTT	West Kazakhstan Time	AQTST	Aqtobe Summer Time	AQTT	Aqtobe Time
Asia/Ashgabat	TMT	Turkmenistan Standard Time	TMST	Turkmenistan Summer Time	TMT	Turkmenistan Time
Asia/Ashkhabad	TMT	Turkmenistan Standard Time	TMST	Turkmenistan Summer Time	TMT	Turkmenistan Time
Asia/Atyrau	GMT+05:00	West Kazakhstan Time	GMT+05:00	Atyrau Daylight Time	GMT+05:00	Atyrau Time
Asia/Baghdad	AST	Arabian Standard Time	ADT	Arabian Daylight Time	AT	Arabian Time
Asia/Bahrain	AST	Arabian Standard Time	ADT	Arabian Daylight Time	AT	Arabian Time
Asia/Baku	AZT	Azerbaijan Standard Time	AZST	Azerbaijan Summer Time	AZT	Azerbaijan Time
Asia/Bangkok	ICT	Indochina Time	ICST	Indochina Summer Time	ICT	Indochina Time
Asia/Barnaul	GMT+07:00	Barnaul Standard Time	GMT+07:00	Barnaul Daylight Time	GMT+07:00	Barnaul Time
Asia/Beirut	EET	Eastern European Standard Time	EEST	Eastern European Summer Time	EET	Eastern European Time
Asia/Bishkek	KGT	Kyrgyzstan Time	KGST	Kirgizstan Summer Time	KGT	Kirgizstan Time
Asia/Brunei	BNT	Brunei Darussalam Time	BNST	Brunei Summer Time	BNT	Brunei Time
Asia/Calcutta	IST	India Standard Time	IDT	India Daylight Time	IT	India Time
Asia/Chita	YAKT	Yakutsk Standard Time	YAKST	Yakutsk Summer Time	YAKT	Yakutsk Time
Asia/Choibalsan	CHOT	Ulaanbaatar Standard Time	CHOST	Ulaanbaatar Summer Time	CHOT	Ulaanbaatar Time
Asia/Chongqing	CST	China Standard Time	CDT	China Daylight Time	CT	China Time
Asia/Chungking	CST	China Standard Time	CDT	China Daylight Time	CT	China Time
Asia/Colombo	IST	India Standard Time	IDT	India Daylight Time	IT	India Time
Asia/Dacca	BDT	Bangladesh Standard Time	BDST	Bangladesh Summer Time	BDT	Bangladesh Time
Asia/Damascus	EET	Eastern European Standard Time	EEST	Eastern European Summer Time	EET	Eastern European Time
Asia/Dhaka	BDT	Bangladesh Standard Time	BDST	Bangladesh Summer Time	BDT	Bangladesh Time
Asia/Dili	TLT	East Timor Time	TLST	Timor-Leste Summer Time	TLT	Timor-Leste Time
Asia/Dubai	GST	Gulf Standard Time	GDT	Gulf Daylight Time	GT	Gulf Time
Asia/Dushanbe	TJT	Tajikistan Time	TJST	Tajikistan Summer Time	TJT	Tajikistan Time
Asia/Famagusta	EET	Eastern European Time	EEST	Eastern European Summer Time	EET	Eastern European Time
Asia/Gaza	EET	Eastern European Standard Time	EEST	Eastern European Summer Time	EET	Eastern European Time
Asia/Harbin	CST	China Standard Time	CDT	China Daylight Time	CT	China Time
Asia/Hebron	EET	Eastern European Standard Time	EEST	Eastern European Summer Time	EET	Eastern European Time
Asia/Ho_Chi_Minh	ICT	Indochina Time	ICST	Indochina Summer Time	ICT	Indochina Time
Asia/Hong_Kong	HKT	Hong Kong Standard Time	HKST	Hong Kong Summer Time	HKT	Hong Kong Time
Asia/Hovd	HOVT	Hovd Standard Time	HOVST	Hovd Summer Time	HOVT	Hovd Time
Asia/Irkutsk	IRKT	Irkutsk Standard Time	IRKST	Irkutsk Summer Time	IRKT	Irkutsk Time
Asia/Istanbul	TRT	Turkey Time	TRST	Turkey Summer Time	TRT	Turkey Time
Asia/Jakarta	WIB	Western Indonesia Time	WIST	West Indonesia Summer Time	WIB	West Indonesia Time
Asia/Jayapura	WIT	Eastern Indonesia Time	EIST	East Indonesia Summer Time	WIT	East Indonesia Time
Asia/Jerusalem	IST	Israel Standard Time	IDT	Israel Daylight Time	IT	Israel Time
Asia/Kabul	AFT	Afghanistan Time	AFST	Afghanistan Summer Time	AFT	Afghanistan Time
Asia/Kamchatka	PETT	Petropavlovsk-Kamchatski Standard Time	PETST	Petropavlovsk-Kamchatski Summer Time	PETT	Petropavlovsk-Kamchatski Time
Asia/Karachi	PKT	Pakistan Standard Time	PKST	Pakistan Summer Time	PKT	Pakistan Time
Asia/Kashgar	XJT	Xinjiang Standard Time	XJDT	Xinjiang Daylight Time	XJT	Xinjiang Time
Asia/Kathmandu	NPT	Nepal Time	NPST	Nepal Summer Time	NPT	Nepal Time
Asia/Katmandu	NPT	Nepal Time	NPST	Nepal Summer Time	NPT	Nepal Time
Asia/Khandyga	YAKT	Yakutsk Standard Time	YAKST	Yakutsk Summer Time	YAKT	Yakutsk Time
Asia/Kolkata	IST	India Standard Time	IDT	India Daylight Time	IT	India Time
Asia/Krasnoyarsk	KRAT	Krasnoyarsk Standard Time	KRAST	Krasnoyarsk Summer Time	KRAT	Krasnoyarsk Time
Asia/Kuala_Lumpur	MYT	Malaysia Time	MYST	Malaysia Summer Time	MYT	Malaysia Time
Asia/Kuching	MYT	Malaysia Time	MYST	Malaysia Summer Time	MYT	Malaysia Time
Asia/Kuwait	AST	Arabian Standard Time	ADT	Arabian Daylight Time	AT	Arabian Time
Asia/Macao	CST	China Standard Time	CDT	China Daylight Time	CT	China Time
Asia/Macau	CST	China Standard Time	CDT	China Daylight Time	CT	China Time
Asia/Magadan	MAGT	Magadan Standard Time	MAGST	Magadan Summer Time	MAGT	Magadan Time
Asia/Makassar	WITA	Central Indonesia Time	CIST	Central Indonesia Summer Time	WITA	Central Indonesia Time
Asia/Manila	PST	Philippine Standard Time	PDT	Philippine Summer Time	PT	Philippine Time
Asia/Muscat	GST	Gulf Standard Time	GDT	Gulf Daylight Time	GT	Gulf Time
Asia/Nicosia	EET	Eastern European Standard Time	EEST	Eastern European Summer Time	EET	Eastern European Time
Asia/Novokuznetsk	KRAT	Krasnoyarsk Standard Time	KRAST	Krasnoyarsk Summer Time	KRAT	Krasnoyarsk Time
Asia/Novosibirsk	NOVT	Novosibirsk Standard Time	NOVST	Novosibirsk Summer Time	NOVT	Novosibirsk Time
Asia/Omsk	OMST	Omsk Standard Time	OMSST	Omsk Summer Time	OMST	Omsk Time
Asia/Oral	ORAT	West Kazakhstan Time	ORAST	Oral Summer Time	ORAT	Oral Time
Asia/Phnom_Penh	ICT	Indochina Time	ICST	Indochina Summer Time	ICT	Indochina Time
Asia/Pontianak	WIB	Western Indonesia Time	WIST	West Indonesia Summer Time	WIB	West Indonesia Time
Asia/Pyongyang	KST	Korean Standard Time	KDT	Korean Daylight Time	KT	Korean Time
Asia/Qatar	AST	Arabian Standard Time	ADT	Arabian Daylight Time	AT	Arabian Time
Asia/Qostanay	QOST	East Kazakhstan Time	QOSST	Kostanay Summer Time	QOST	Kostanay Time
Asia/Qyzylorda	QYZT	West Kazakhstan Time	QYZST	Qyzylorda Summer Time	QYZT	Qyzylorda Time
Asia/Rangoon	MMT	Myanmar Time	MMST	Myanmar Summer Time	MMT	Myanmar Time
Asia/Riyadh	AST	Arabian Standard Time	ADT	Arabian Daylight Time	AT	Arabian Time
Asia/Saigon	ICT	Indochina Time	ICST	Indochina Summer Time	ICT	Indochina Time
Asia/Sakhalin	SAKT	Sakhalin Standard Time	SAKST	Sakhalin Summer Time	SAKT	Sakhalin Time
Asia/Samarkand	UZT	Uzbekistan Standard Time	UZST	Uzbekistan Summer Time	UZT	Uzbekistan Time
Asia/Seoul	KST	Korean Standard Time	KDT	Korean Daylight Time	KT	Korean Time
Asia/Shanghai	CST	China Standard Time	CDT	China Daylight Time	CT	China Time
Asia/Singapore	SGT	Singapore Standard Time	SGST	Singapore Summer Time	SGT	Singapore Time
Asia/Srednekolymsk	SRET	Srednekolymsk Time	SREDT	Srednekolymsk Daylight Time	SRET	Srednekolymsk Time
Asia/Taipei	CST	Taipei Standard Time	CDT	Taipei Daylight Time	CT	Taipei Time
Asia/Tashkent	UZT	Uzbekistan Standard Time	UZST	Uzbekistan Summer Time	UZT	Uzbekistan Time
Asia/Tbilisi	GET	Georgia Standard Time	GEST	Georgia Summer Time	GET	Georgia Time
Asia/Tehran	IRST	Iran Standard Time	IRDT	Iran Daylight Time	IRT	Iran Time
Asia/Tel_Aviv	IST	Israel Standard Time	IDT	Israel Daylight Time	IT	Israel Time
Asia/Thimbu	BTT	Bhutan Time	BTST	Bhutan Summer Time	BTT	Bhutan Time
Asia/Thimphu	BTT	Bhutan Time	BTST	Bhutan Summer Time	BTT	Bhutan Time
Asia/Tokyo	JST	Japan Standard Time	JDT	Japan Daylight Time	JT	Japan Time
Asia/Tomsk	GMT+07:00	Tomsk Standard Time	GMT+07:00	Tomsk Daylight Time	GMT+07:00	Tomsk Time
Asia/Ujung_Pandang	WITA	Central Indonesia Time	CIST	Central Indonesia Summer Time	WITA	Central Indonesia Time
Asia/Ulaanbaatar	ULAT	Ulaanbaatar Standard Time	ULAST	Ulaanbaatar Summer Time	ULAT	Ulaanbaatar Time
Asia/Ulan_Bator	ULAT	Ulaanbaatar Standard Time	ULAST	Ulaanbaatar Summer Time	ULAT	Ulaanbaatar Time
Asia/Urumqi	XJT	Xinjiang Standard Time	XJDT	Xinjiang Daylight Time	XJT	Xinjiang Time
Asia/Ust-Nera	VLAT	Vladivostok Standard Time	VLAST	Vladivostok Summer Time	VLAT	Vladivostok Time
Asia/Vientiane	ICT	Indochina Time	ICST	Indochina Summer Time	ICT	Indochina Time
Asia/Vladivostok	VLAT	Vladivostok Standard Time	VLAST	Vladivostok Summer Time	VLAT	Vladivostok Time
Asia/Yakutsk	YAKT	Yakutsk Standard Time	YAKST	Yakutsk Summer Time	YAKT	Yakutsk Time
Asia/Yangon	MMT	Myanmar Time	MMST	Myanmar Summer Time	MMT	Myanmar Time
Asia/Yekaterinburg	YEKT	Yekaterinburg Standard Time	YEKST	Yekaterinburg Summer Time	YEKT	Yekaterinburg Time
Asia/Yerevan	AMT	Armenia Standard Time	AMST	Armenia Summer Time	AMT	Armenia Time
Atlantic/Azores	AZOT	Azores Standard Time	AZOST	Azores Summer Time	AZOT	Azores Time
Atlantic/Bermuda	AST	Atlantic Standard Time	ADT	Atlantic Daylight Time	AT	Atlantic Time
Atlantic/Canary	WET	Western European Standard Time	WEST	Western European Summer Time	WET	Western European Time
Atlantic/Cape_Verde	CVT	Cape Verde Standard Time	CVST	Cape Verde Summer Time	CVT	Cape Verde Time
Atlantic/Faeroe	WET	Western European Standard Time	WEST	Western European Summer Time	WET	Western European Time
Atlantic/Faroe	WET	Western European Standard Time	WEST	Western European Summer Time	WET	Western European Time
Atlantic/Jan_Mayen	CET	Central European Standard Time	CEST	Central European Summer Time	CET	Central European Time
Atlantic/Madeira	WET	Western European Standard Time	WEST	Western European Summer Time	WET	Western European Time
Atlantic/Reykjavik	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time
Atlantic/South_Georgia	GST	South Georgia Time	GDT	South Georgia Daylight Time	GT	South Georgia Time
Atlantic/St_Helena	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time
Atlantic/Stanley	FKT	Falkland Islands Standard Time	FKST	Falkland Islands Summer Time	FKT	Falkland Islands Time
Australia/ACT	AEST	Australian Eastern Standard Time	AEDT	Australian Eastern Daylight Time	AET	Eastern Australia Time
Australia/Adelaide	ACST	Australian Central Standard Time	ACDT	Australian Central Daylight Time	ACT	Central Australia Time
Australia/Brisbane	AEST	Australian Eastern Standard Time	AEDT	Australian Eastern Daylight Time	AET	Eastern Australia Time
Australia/Broken_Hill	ACST	Australian Central Standard Time	ACDT	Australian Central Daylight Time	ACT	Central Australia Time
Australia/Canberra	AEST	Australian Eastern Standard Time	AEDT	Australian Eastern Daylight Time	AET	Eastern Australia Time
Australia/Currie	AEST	Australian Eastern Standard Time	AEDT	Australian Eastern Daylight Time	AET	Eastern Australia Time
Australia/Darwin	ACST	Australian Central Standard Time	ACDT	Australian Central Daylight Time	ACT	Central Australia Time
Australia/Eucla	ACWST	Australian Central Western Standard Time	ACWDT	Australian Central Western Daylight Time	ACWT	Australian Central Western Time
Australia/Hobart	AEST	Australian Eastern Standard Time	AEDT	Australian Eastern Daylight Time	AET	Eastern Australia Time
Australia/LHI	LHST	Lord Howe Standard Time	LHDT	Lord Howe Daylight Time	LHT	Lord Howe Time
Australia/Lindeman	AEST	Australian Eastern Standard Time	AEDT	Australian Eastern Daylight Time	AET	Eastern Australia Time
Australia/Lord_Howe	LHST	Lord Howe Standard Time	LHDT	Lord Howe Daylight Time	LHT	Lord Howe Time
Australia/Melbourne	AEST	Australian Eastern Standard Time	AEDT	Australian Eastern Daylight Time	AET	Eastern Australia Time
Australia/NSW	AEST	Australian Eastern Standard Time	AEDT	Australian Eastern Daylight Time	AET	Eastern Australia Time
Australia/North	ACST	Australian Central Standard Time	ACDT	Australian Central Daylight Time	ACT	Central Australia Time
Australia/Perth	AWST	Australian Western Standard Time	AWDT	Australian Western Daylight Time	AWT	Western Australia Time
Australia/Queensland	AEST	Australian Eastern Standard Time	AEDT	Australian Eastern Daylight Time	AET	Eastern Australia Time
Australia/South	ACST	Australian Central Standard Time	ACDT	Australian Central Daylight Time	ACT	Central Australia Time
Australia/Sydney	AEST	Australian Eastern Standard Time	AEDT	Australian Eastern Daylight Time	AET	Eastern Australia Time
Australia/Tasmania	AEST	Australian Eastern Standard Time	AEDT	Australian Eastern Daylight Time	AET	Eastern Australia Time
Australia/Victoria	AEST	Australian Eastern Standard Time	AEDT	Australian Eastern Daylight Time	AET	Eastern Australia Time
Australia/West	AWST	Australian Western Standard Time	AWDT	Australian Western Daylight Time	AWT	Western Australia Time
Australia/Yancowinna	ACST	Australian Central Standard Time	ACDT	Australian Central Daylight Time	ACT	Central Australia Time
Brazil/Acre	ACT	Acre Standard Time	ACST	Acre Summer Time	ACT	Acre Time
Brazil/DeNoronha	FNT	Fernando de Noronha Standard Time	FNST	Fernando de Noronha Summer Time	FNT	Fernando de Noronha Time
Brazil/East	BRT	Brasilia Standard Time	BRST	Brasilia Summer Time	BRT	Brasilia Time
Brazil/West	AMT	Amazon Standard Time	AMST	Amazon Summer Time	AMT	Amazon Time
CET	CET	Central European Time	CEST	Central European Summer Time	CET	Central European Time
CST6CDT	CST	Central Standard Time	CDT	Central Daylight Time	CT	Central Time
Canada/Atlantic	AST	Atlantic Standard Time	ADT	Atlantic Daylight Time	AT	Atlantic Time
Canada/Central	CST	Central Standard Time	CDT	Central Daylight Time	CT	Central Time
Canada/Eastern	EST	Eastern Standard Time	EDT	Eastern Daylight Time	ET	Eastern Time
Canada/Mountain	MST	Mountain Standard Time	MDT	Mountain Daylight Time	MT	Mountain Time
Canada/Newfoundland	NST	Newfoundland Standard Time	NDT	Newfoundland Daylight Time	NT	Newfoundland Time
Canada/Pacific	PST	Pacific Standard Time	PDT	Pacific Daylight Time	PT	Pacific Time
Canada/Saskatchewan	CST	Central Standard Time	CDT	Central Daylight Time	CT	Central Time
Canada/Yukon	MST	Mountain Standard Time	MDT	Mountain Daylight Time	MT	Mountain Time
Chile/Continental	CLT	Chile Standard Time	CLST	Chile Summer Time	CLT	Chile Time
Chile/EasterIsland	EAST	Easter Island Standard Time	EASST	Easter Island Summer Time	EAST	Easter Island Time
Cuba	CST	Cuba Standard Time	CDT	Cuba Daylight Time	CT	Cuba Time
EET	EET	Eastern European Time	EEST	Eastern European Summer Time	EET	Eastern European Time
EST5EDT	EST	Eastern Standard Time	EDT	Eastern Daylight Time	ET	Eastern Time
Egypt	EET	Eastern European Standard Time	EEST	Eastern European Summer Time	EET	Eastern European Time
Eire	GMT	Greenwich Mean Time	IST	Irish Standard Time	IT	Irish Time
Etc/GMT	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time
Etc/GMT+0	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time
Etc/GMT+1	GMT-01:00	GMT-01:00	GMT-01:00	GMT-01:00	GMT-01:00	GMT-01:00
Etc/GMT+10	GMT-10:00	GMT-10:00	GMT-10:00	GMT-10:00	GMT-10:00	GMT-10:00
Etc/GMT+11	GMT-11:00	GMT-11:00	GMT-11:00	GMT-11:00	GMT-11:00	GMT-11:00
Etc/GMT+12	GMT-12:00	GMT-12:00	GMT-12:00	GMT-12:00	GMT-12:00	GMT-12:00
Etc/GMT+2	GMT-02:00	GMT-02:00	GMT-02:00	GMT-02:00	GMT-02:00	GMT-02:00
Etc/GMT+3	GMT-03:00	GMT-03:00	GMT-03:00	GMT-03:00	GMT-03:00	GMT-03:00
Etc/GMT+4	GMT-04:00	GMT-04:00	GMT-04:00	GMT-04:00	GMT-04:00	GMT-04:00
Etc/GMT+5	GMT-05:00	GMT-05:00	GMT-05:00	GMT-05:00	GMT-05:00	GMT-05:00
Etc/GMT+6	GMT-06:00	GMT-06:00	GMT-06:00	GMT-06:00	GMT-06:00	GMT-06:00
Etc/GMT+7	GMT-07:00	GMT-07:00	GMT-07:00	GMT-07:00	GMT-07:00	GMT-07:00
Etc/GMT+8	GMT-08:00	GMT-08:00	GMT-08:00	GMT-08:00	GMT-08:00	GMT-08:00
Etc/GMT+9	GMT-09:00	GMT-09:00	GMT-09:00	GMT-09:00	GMT-09:00	GMT-09:00
Etc/GMT-0	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time
Etc/GMT-1	GMT+01:00	GMT+01:00	GMT+01:00	GMT+01:00	GMT+01:00	GMT+01:00
Etc/GMT-10	GMT+10:00	GMT+10:00	GMT+10:00	GMT+10:00	GMT+10:00	GMT+10:00
Etc/GMT-11	GMT+11:00	GMT+11:00	GMT+11:00	GMT+11:00	GMT+11:00	GMT+11:00
Etc/GMT-12	GMT+12:00	GMT+12:00	GMT+12:00	GMT+12:00	GMT+12:00	GMT+12:00
Etc/GMT-13	GMT+13:00	GMT+13:00	GMT+13:00	GMT+13:00	GMT+13:00	GMT+13:00
Etc/GMT-14	GMT+14:00	GMT+14:00	GMT+14:00	GMT+14:00	GMT+14:00	GMT+14:00
Etc/GMT-2	GMT+02:00	GMT+02:00	GMT+02:00	GMT+02:00	GMT+02:00	GMT+02:00
Etc/GMT-3	GMT+03:00	GMT+03:00	GMT+03:00	GMT+03:00	GMT+03:00	GMT+03:00
Etc/GMT-4	GMT+04:00	GMT+04:00	GMT+04:00	GMT+04:00	GMT+04:00	GMT+04:00
Etc/GMT-5	GMT+05:00	GMT+05:00	GMT+05:00	GMT+05:00	GMT+05:00	GMT+05:00
Etc/GMT-6	GMT+06:00	GMT+06:00	GMT+06:00	GMT+06:00	GMT+06:00	GMT+06:00
Etc/GMT-7	GMT+07:00	GMT+07:00	GMT+07:00	GMT+07:00	GMT+07:00	GMT+07:00
Etc/GMT-8	GMT+08:00	GMT+08:00	GMT+08:00	GMT+08:00	GMT+08:00	GMT+08:00
Etc/GMT-9	GMT+09:00	GMT+09:00	GMT+09:00	GMT+09:00	GMT+09:00	GMT+09:00
Etc/GMT0	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time
Etc/Greenwich	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time
Etc/UCT	UTC	Coordinated Universal Time	UTC	Coordinated Universal Time	UTC	Coordinated Universal Time
Etc/UTC	UTC	Coordinated Universal Time	UTC	Coordinated Universal Time	UTC	Coordinated Universal Time
Etc/Universal	UTC	Coordinated Universal Time	UTC	Coordinated Universal Time	UTC	Coordinated Universal Time
Etc/Zulu	UTC	Coordinated Universal Time	UTC	Coordinated Universal Time	UTC	Coordinated Universal Time
Europe/Amsterdam	CET	Central European Standard Time	CEST	Central European Summer Time	CET	Central European Time
Europe/Andorra	CET	Central European Standard Time	CEST	Central European Summer Time	CET	Central European Time
Europe/Astrakhan	GMT+04:00	Astrakhan Standard Time	GMT+04:00	Astrakhan Standard Time	GMT+04:00	Astrakhan Time
Europe/Athens	EET	Eastern European Standard Time	EEST	Eastern European Summer Time	EET	Eastern European Time
Europe/Belfast	GMT	Greenwich Mean Time	BST	British Summer Time	BT	British Time
Europe/Belgrade	CET	Central European Standard Time	CEST	Central European Summer Time	CET	Central European Time
Europe/Berlin	CET	Central European Standard Time	CEST	Central European Summer Time	CET	Central European Time
Europe/Bratislava	CET	Central European Standard Time	CEST	Central European Summer Time	CET	Central European Time
Europe/Brussels	CET	Central European Standard Time	CEST	Central European Summer Time	CET	Central European Time
Europe/Bucharest	EET	Eastern European Standard Time	EEST	Eastern European Summer Time	EET	Eastern European Time
Europe/Budapest	CET	Central European Standard Time	CEST	Central European Summer Time	CET	Central European Time
Europe/Busingen	CET	Central European Standard Time	CEST	Central European Summer Time	CET	Central European Time
Europe/Chisinau	EET	Eastern European Standard Time	EEST	Eastern European Summer Time	EET	Eastern European Time
Europe/Copenhagen	CET	Central European Standard Time	CEST	Central European Summer Time	CET	Central European Time
Europe/Dublin	GMT	Greenwich Mean Time	IST	Irish Standard Time	IT	Irish Time
Europe/Gibraltar	CET	Central European Standard Time	CEST	Central European Summer Time	CET	Central European Time
Europe/Guernsey	GMT	Greenwich Mean Time	BST	British Summer Time	BT	British Time
Europe/Helsinki	EET	Eastern European Standard Time	EEST	Eastern European Summer Time	EET	Eastern European Time
Europe/Isle_of_Man	GMT	Greenwich Mean Time	BST	British Summer Time	BT	British Time
Europe/Istanbul	TRT	Turkey Time	TRST	Turkey Summer Time	TRT	Turkey Time
Europe/Jersey	GMT	Greenwich Mean Time	BST	British Summer Time	BT	British Time
Europe/Kaliningrad	EET	Eastern European Standard Time	EEST	Eastern European Summer Time	EET	Eastern European Time
Europe/Kiev	EET	Eastern European Standard Time	EEST	Eastern European Summer Time	EET	Eastern European Time
Europe/Kirov	MSK	Moscow Standard Time	MSD	Moscow Daylight Time	MT	Moscow Time
Europe/Kyiv	EET	Eastern European Standard Time	EEST	Eastern European Summer Time	EET	Eastern European Time
Europe/Lisbon	WET	Western European Standard Time	WEST	Western European Summer Time	WET	Western European Time
Europe/Ljubljana	CET	Central European Standard Time	CEST	Central European Summer Time	CET	Central European Time
Europe/London	GMT	Greenwich Mean Time	BST	British Summer Time	BT	British Time
Europe/Luxembourg	CET	Central European Standard Time	CEST	Central European Summer Time	CET	Central European Time
Europe/Madrid	CET	Central European Standard Time	CEST	Central European Summer Time	CET	Central European Time
Europe/Malta	CET	Central European Standard Time	CEST	Central European Summer Time	CET	Central European Time
Europe/Mariehamn	EET	Eastern European Standard Time	EEST	Eastern European Summer Time	EET	Eastern European Time
Europe/Minsk	MSK	Moscow Standard Time	MSD	Moscow Summer Time	MT	Moscow Time
Europe/Monaco	CET	Central European Standard Time	CEST	Central European Summer Time	CET	Central European Time
Europe/Moscow	MSK	Moscow Standard Time	MSD	Moscow Summer Time	MT	Moscow Time
Europe/Nicosia	EET	Eastern European Standard Time	EEST	Eastern European Summer Time	EET	Eastern European Time
Europe/Oslo	CET	Central European Standard Time	CEST	Central European Summer Time	CET	Central European Time
Europe/Paris	CET	Central European Standard Time	CEST	Central European Summer Time	CET	Central European Time
Europe/Podgorica	CET	Central European Standard Time	CEST	Central European Summer Time	CET	Central European Time
Europe/Prague	CET	Central European Standard Time	CEST	Central European Summer Time	CET	Central European Time
Europe/Riga	EET	Eastern European Standard Time	EEST	Eastern European Summer Time	EET	Eastern European Time
Europe/Rome	CET	Central European Standard Time	CEST	Central European Summer Time	CET	Central European Time
Europe/Samara	SAMT	Samara Standard Time	SAMST	Samara Summer Time	SAMT	Samara Time
Europe/San_Marino	CET	Central European Standard Time	CEST	Central European Summer Time	CET	Central European Time
Europe/Sarajevo	CET	Central European Standard Time	CEST	Central European Summer Time	CET	Central European Time
Europe/Saratov	GMT+04:00	Saratov Standard Time	GMT+04:00	Saratov Standard Time	GMT+04:00	Saratov Time
Europe/Simferopol	MSK	Moscow Standard Time	MSD	Moscow Summer Time	MT	Moscow Time
Europe/Skopje	CET	Central European Standard Time	CEST	Central European Summer Time	CET	Central European Time
Europe/Sofia	EET	Eastern European Standard Time	EEST	Eastern European Summer Time	EET	Eastern European Time
Europe/Stockholm	CET	Central European Standard Time	CEST	Central European Summer Time	CET	Central European Time
Europe/Tallinn	EET	Eastern European Standard Time	EEST	Eastern European Summer Time	EET	Eastern European Time
Europe/Tirane	CET	Central European Standard Time	CEST	Central European Summer Time	CET	Central European Time
Europe/Tiraspol	EET	Eastern European Standard Time	EEST	Eastern European Summer Time	EET	Eastern European Time
Europe/Ulyanovsk	GMT+04:00	Ulyanovsk Standard Time	GMT+04:00	Ulyanovsk Standard Time	GMT+04:00	Ulyanovsk Time
Europe/Uzhgorod	EET	Eastern European Standard Time	EEST	Eastern European Summer Time	EET	Eastern European Time
Europe/Vaduz	CET	Central European Standard Time	CEST	Central European Summer Time	CET	Central European Time
Europe/Vatican	CET	Central European Standard Time	CEST	Central European Summer Time	CET	Central European Time
Europe/Vienna	CET	Central European Standard Time	CEST	Central European Summer Time	CET	Central European Time
Europe/Vilnius	EET	Eastern European Standard Time	EEST	Eastern European Summer Time	EET	Eastern European Time
Europe/Volgograd	MSK	Volgograd Standard Time	MSD	Volgograd Summer Time	MT	Volgograd Time
Europe/Warsaw	CET	Central European Standard Time	CEST	Central European Summer Time	CET	Central European Time
Europe/Zagreb	CET	Central European Standard Time	CEST	Central European Summer Time	CET	Central European Time
Europe/Zaporozhye	EET	Eastern European Standard Time	EEST	Eastern European Summer Time	EET	Eastern European Time
Europe/Zurich	CET	Central European Standard Time	CEST	Central European Summer Time	CET	Central European Time
GB	GMT	Greenwich Mean Time	BST	British Summer Time	BT	British Time
GB-Eire	GMT	Greenwich Mean Time	BST	British Summer Time	BT	British Time
GMT	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time
GMT0	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time
Greenwich	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time
Hongkong	HKT	Hong Kong Standard Time	HKST	Hong Kong Summer Time	HKT	Hong Kong Time
Iceland	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time	GMT	Greenwich Mean Time
Indian/Antananarivo	EAT	East Africa Time	EAST	Eastern African Summer Time	EAT	Eastern Africa Time
Indian/Chagos	IOT	Indian Ocean Time	IOST	Indian Ocean Territory Summer Time	IOT	Indian Ocean Territory Time
Indian/Christmas	CXT	Christmas Island Time	CXST	Christmas Island Summer Time	CIT	Christmas Island Time
Indian/Cocos	CCT	Cocos Islands Time	CCST	Cocos Islands Summer Time	CCT	Cocos Islands Time
Indian/Comoro	EAT	East Africa Time	EAST	Eastern African Summer Time	EAT	Eastern Africa Time
Indian/Kerguelen	TFT	French Southern & Antarctic Time	TFST	French Southern & Antarctic Lands Summer Time	TFT	French Southern & Antarctic Lands Time
Indian/Mahe	SCT	Seychelles Time	SCST	Seychelles Summer Time	SCT	Seychelles Time
Indian/Maldives	MVT	Maldives Time	MVST	Maldives Summer Time	MVT	Maldives Time
Indian/Mauritius	MUT	Mauritius Standard Time	MUST	Mauritius Summer Time	MUT	Mauritius Time
Indian/Mayotte	EAT	East Africa Time	EAST	Eastern African Summer Time	EAT	Eastern Africa Time
Indian/Reunion	RET	Réunion Time	REST	Reunion Summer Time	RET	Reunion Time
Iran	IRST	Iran Standard Time	IRDT	Iran Daylight Time	IRT	Iran Time
Israel	IST	Israel Standard Time	IDT	Israel Daylight Time	IT	Israel Time
Jamaica	EST	Eastern Standard Time	EDT	Eastern Daylight Time	ET	Eastern Time
Japan	JST	Japan Standard Time	JDT	Japan Daylight Time	JT	Japan Time
Kwajalein	MHT	Marshall Islands Time	MHST	Marshall Islands Summer Time	MHT	Marshall Islands Time
Libya	EET	Eastern European Standard Time	EEST	Eastern European Summer Time	EET	Eastern European Time
MET	MET	Middle Europe Time	MEST	Middle Europe Summer Time	MET	Middle Europe Time
MST7MDT	MST	Mountain Standard Time	MDT	Mountain Daylight Time	MT	Mountain Time
Mexico/BajaNorte	PST	Pacific Standard Time	PDT	Pacific Daylight Time	PT	Pacific Time
Mexico/BajaSur	MST	Mexican Pacific Standard Time	MDT	Mexican Pacific Daylight Time	MT	Mexican Pacific Time
Mexico/General	CST	Central Standard Time	CDT	Central Daylight Time	CT	Central Time
NZ	NZST	New Zealand Standard Time	NZDT	New Zealand Daylight Time	NZT	New Zealand Time
NZ-CHAT	CHAST	Chatham Standard Time	CHADT	Chatham Daylight Time	CHAT	Chatham Time
Navajo	MST	Mountain Standard Time	MDT	Mountain Daylight Time	MT	Mountain Time
PRC	CST	China Standard Time	CDT	China Daylight Time	CT	China Time
PST8PDT	PST	Pacific Standard Time	PDT	Pacific Daylight Time	PT	Pacific Time
Pacific/Apia	WSST	Apia Standard Time	WSDT	Apia Daylight Time	WST	Apia Time
Pacific/Auckland	NZST	New Zealand Standard Time	NZDT	New Zealand Daylight Time	NZT	New Zealand Time
Pacific/Bougainville	BST	Bougainville Standard Time	BST	Bougainville Daylight Time	BT	Bougainville Time
Pacific/Chatham	CHAST	Chatham Standard Time	CHADT	Chatham Daylight Time	CHAT	Chatham Time
Pacific/Chuuk	CHUT	Chuuk Time	CHUST	Chuuk Summer Time	CHUT	Chuuk Time
Pacific/Easter	EAST	Easter Island Standard Time	EASST	Easter Island Summer Time	EAST	Easter Island Time
Pacific/Efate	VUT	Vanuatu Standard Time	VUST	Vanuatu Summer Time	VUT	Vanuatu Time
Pacific/Enderbury	PHOT	Phoenix Islands Time	PHOST	Phoenix Is. Summer Time	PHOT	Phoenix Is. Time
Pacific/Fakaofo	TKT	Tokelau Time	TKST	Tokelau Summer Time	TKT	Tokelau Time
Pacific/Fiji	FJT	Fiji Standard Time	FJST	Fiji Summer Time	FJT	Fiji Time
Pacific/Funafuti	TVT	Tuvalu Time	TVST	Tuvalu Summer Time	TVT	Tuvalu Time
Pacific/Galapagos	GALT	Galapagos Time	GALST	Galapagos Summer Time	GALT	Galapagos Time
Pacific/Gambier	GAMT	Gambier Time	GAMST	Gambier Summer Time	GAMT	Gambier Time
Pacific/Guadalcanal	SBT	Solomon Islands Time	SBST	Solomon Is. Summer Time	SBT	Solomon Is. Time
Pacific/Guam	ChST	Chamorro Standard Time	ChDT	Chamorro Daylight Time	ChT	Chamorro Time
Pacific/Honolulu	HST	Hawaii-Aleutian Standard Time	HDT	Hawaii-Aleutian Daylight Time	HST	Hawaii-Aleutian Time
Pacific/Johnston	HAST	Hawaii-Aleutian Standard Time	HADT	Hawaii-Aleutian Daylight Time	HAT	Hawaii-Aleutian Time
Pacific/Kanton	GMT+13:00	Kanton Standard Time	GMT+13:00	Kanton Daylight Time	GMT+13:00	Kanton Time
Pacific/Kiritimati	LINT	Line Islands Time	LINST	Line Is. Summer Time	LINT	Line Is. Time
Pacific/Kosrae	KOST	Kosrae Time	KOSST	Kosrae Summer Time	KOST	Kosrae Time
Pacific/Kwajalein	MHT	Marshall Islands Time	MHST	Marshall Islands Summer Time	MHT	Marshall Islands Time
Pacific/Majuro	MHT	Marshall Islands Time	MHST	Marshall Islands Summer Time	MHT	Marshall Islands Time
Pacific/Marquesas	MART	Marquesas Time	MARST	Marquesas Summer Time	MART	Marquesas Time
Pacific/Midway	SST	Samoa Standard Time	SDT	Samoa Daylight Time	ST	Samoa Time
Pacific/Nauru	NRT	Nauru Time	NRST	Nauru Summer Time	NRT	Nauru Time
Pacific/Niue	NUT	Niue Time	NUST	Niue Summer Time	NUT	Niue Time
Pacific/Norfolk	NFT	Norfolk Island Standard Time	NFST	Norfolk Island Daylight Time	NFT	Norfolk Island Time
Pacific/Noumea	NCT	New Caledonia Standard Time	NCST	New Caledonia Summer Time	NCT	New Caledonia Time
Pacific/Pago_Pago	SST	Samoa Standard Time	SDT	Samoa Daylight Time	ST	Samoa Time
Pacific/Palau	PWT	Palau Time	PWST	Palau Summer Time	PWT	Palau Time
Pacific/Pitcairn	PST	Pitcairn Time	PDT	Pitcairn Daylight Time	PT	Pitcairn Time
Pacific/Pohnpei	PONT	Ponape Time	PONST	Pohnpei Summer Time	PONT	Ponape Time
Pacific/Ponape	PONT	Ponape Time	PONST	Pohnpei Summer Time	PONT	Ponape Time
Pacific/Port_Moresby	PGT	Papua New Guinea Time	PGST	Papua New Guinea Summer Time	PGT	Papua New Guinea Time
Pacific/Rarotonga	CKT	Cook Islands Standard Time	CKHST	Cook Islands Half Summer Time	CKT	Cook Islands Time
Pacific/Saipan	ChST	Chamorro Standard Time	ChDT	Chamorro Daylight Time	ChT	Chamorro Time
Pacific/Samoa	SST	Samoa Standard Time	SDT	Samoa Daylight Time	ST	Samoa Time
Pacific/Tahiti	TAHT	Tahiti Time	TAHST	Tahiti Summer Time	TAHT	Tahiti Time
Pacific/Tarawa	GILT	Gilbert Islands Time	GILST	Gilbert Is. Summer Time	GILT	Gilbert Is. Time
Pacific/Tongatapu	TOT	Tonga Standard Time	TOST	Tonga Summer Time	TOT	Tonga Time
Pacific/Truk	CHUT	Chuuk Time	CHUST	Chuuk Summer Time	CHUT	Chuuk Time
Pacific/Wake	WAKT	Wake Island Time	WAKST	Wake Summer Time	WAKT	Wake Time
Pacific/Wallis	WFT	Wallis & Futuna Time	WFST	Wallis & Futuna Summer Time	WFT	Wallis & Futuna Time
Pacific/Yap	CHUT	Chuuk Time	CHUST	Chuuk Summer Time	CHUT	Chuuk Time
Poland	CET	Central European Standard Time	CEST	Central European Summer Time	CET	Central European Time
Portugal	WET	Western European Standard Time	WEST	Western European Summer Time	WET	Western European Time
ROK	KST	Korean Standard Time	KDT	Korean Daylight Time	KT	Korean Time
Singapore	SGT	Singapore Standard Time	SGST	Singapore Summer Time	SGT	Singapore Time
SystemV/AST4	AST	Atlantic Standard Time	ADT	Atlantic Daylight Time	AT	Atlantic Time
SystemV/AST4ADT	AST	Atlantic Standard Time	ADT	Atlantic Daylight Time	AT	Atlantic Time
SystemV/CST6	CST	Central Standard Time	CDT	Central Daylight Time	CT	Central Time
SystemV/CST6CDT	CST	Central Standard Time	CDT	Central Daylight Time	CT	Central Time
SystemV/EST5	EST	Eastern Standard Time	EDT	Eastern Daylight Time	ET	Eastern Time
SystemV/EST5EDT	EST	Eastern Standard Time	EDT	Eastern Daylight Time	ET	Eastern Time
SystemV/HST10	HST	Hawaii-Aleutian Standard Time	HDT	Hawaii-Aleutian Daylight Time	HST	Hawaii-Aleutian Time
SystemV/MST7	MST	Mountain Standard Time	MDT	Mountain Daylight Time	MT	Mountain Time
SystemV/MST7MDT	MST	Mountain Standard Time	MDT	Mountain Daylight Time	MT	Mountain Time
SystemV/PST8	PST	Pitcairn Time	PST	Pitcairn Time	PST	Pitcairn Time
SystemV/PST8PDT	PST	Pacific Standard Time	PDT	Pacific Daylight Time	PT	Pacific Time
SystemV/YST9	AKST	Gambier Time	AKST	Gambier Time	AKST	Gambier Time
SystemV/YST9YDT	AKST	Alaska Standard Time	AKDT	Alaska Daylight Time	AKT	Alaska Time
Turkey	TRT	Turkey Time	TRST	Turkey Summer Time	TRT	Turkey Time
UCT	UTC	Coordinated Universal Time	UTC	Coordinated Universal Time	UTC	Coordinated Universal Time
US/Alaska	AKST	Alaska Standard Time	AKDT	Alaska Daylight Time	AKT	Alaska Time
US/Aleutian	HAST	Hawaii-Aleutian Standard Time	HADT	Hawaii-Aleutian Daylight Time	HAT	Hawaii-Aleutian Time
US/Arizona	MST	Mountain Standard Time	MDT	Mountain Daylight Time	MT	Mountain Time
US/Central	CST	Central Standard Time	CDT	Central Daylight Time	CT	Central Time
US/East-Indiana	EST	Eastern Standard Time	EDT	Eastern Daylight Time	ET	Eastern Time
US/Eastern	EST	Eastern Standard Time	EDT	Eastern Daylight Time	ET	Eastern Time
US/Hawaii	HST	Hawaii-Aleutian Standard Time	HDT	Hawaii-Aleutian Daylight Time	HST	Hawaii-Aleutian Time
US/Indiana-Starke	CST	Central Standard Time	CDT	Central Daylight Time	CT	Central Time
US/Michigan	EST	Eastern Standard Time	EDT	Eastern Daylight Time	ET	Eastern Time
US/Mountain	MST	Mountain Standard Time	MDT	Mountain Daylight Time	MT	Mountain Time
US/Pacific	PST	Pacific Standard Time	PDT	Pacific Daylight Time	PT	Pacific Time
US/Samoa	SST	Samoa Standard Time	SDT	Samoa Daylight Time	ST	Samoa Time
UTC	UTC	Coordinated Universal Time	UTC	Coordinated Universal Time	UTC	Coordinated Universal Time
Universal	UTC	Coordinated Universal Time	UTC	Coordinated Universal Time	UTC	Coordinated Universal Time
W-SU	MSK	Moscow Standard Time	MSD	Moscow Summer Time	MT	Moscow Time
WET	WET	Western European Time	WEST	Western European Summer Time	WET	Western European Time
Zulu	UTC	Coordinated Universal Time	UTC	Coordinated Universal Time	UTC	Coordinated Universal Time
"""
