"""Word lists and sentence templates for generated English and Russian news text.

All of it is written for the replica; none of it comes from the real sites. Russian phrases are
stored ready-declined for the slot they fill, so that generated sentences stay grammatical.
"""

from __future__ import annotations

# key → (EN name, EN region, RU nominative, RU "в …" (locative), RU genitive, RU region locative)
PLACE_NAMES: dict[str, tuple[str, str, str, str, str, str]] = {
    "nalchik": (
        "Nalchik",
        "Kabardino-Balkaria",
        "Нальчик",
        "в Нальчике",
        "Нальчика",
        "в Кабардино-Балкарии",
    ),
    "makhachkala": (
        "Makhachkala",
        "Dagestan",
        "Махачкала",
        "в Махачкале",
        "Махачкалы",
        "в Дагестане",
    ),
    "grozny": ("Grozny", "Chechnya", "Грозный", "в Грозном", "Грозного", "в Чечне"),
    "vladikavkaz": (
        "Vladikavkaz",
        "North Ossetia",
        "Владикавказ",
        "во Владикавказе",
        "Владикавказа",
        "в Северной Осетии",
    ),
    "magas": ("Magas", "Ingushetia", "Магас", "в Магасе", "Магаса", "в Ингушетии"),
    "cherkessk": (
        "Cherkessk",
        "Karachay-Cherkessia",
        "Черкесск",
        "в Черкесске",
        "Черкесска",
        "в Карачаево-Черкесии",
    ),
    "karachaevsk": (
        "Karachaevsk",
        "Karachay-Cherkessia",
        "Карачаевск",
        "в Карачаевске",
        "Карачаевска",
        "в Карачаево-Черкесии",
    ),
    "stavropol": (
        "Stavropol",
        "the Stavropol Territory",
        "Ставрополь",
        "в Ставрополе",
        "Ставрополя",
        "в Ставропольском крае",
    ),
    "sukhum": ("Sukhum", "Abkhazia", "Сухум", "в Сухуме", "Сухума", "в Абхазии"),
    "gagra": ("Gagra", "Abkhazia", "Гагра", "в Гагре", "Гагры", "в Абхазии"),
    "tbilisi": ("Tbilisi", "Georgia", "Тбилиси", "в Тбилиси", "Тбилиси", "в Грузии"),
    "yerevan": ("Yerevan", "Armenia", "Ереван", "в Ереване", "Еревана", "в Армении"),
    "baku": ("Baku", "Azerbaijan", "Баку", "в Баку", "Баку", "в Азербайджане"),
    "sochi": ("Sochi", "the Krasnodar Territory", "Сочи", "в Сочи", "Сочи", "в Краснодарском крае"),
    "rostov": (
        "Rostov-on-Don",
        "the Rostov Region",
        "Ростов-на-Дону",
        "в Ростове-на-Дону",
        "Ростова-на-Дону",
        "в Ростовской области",
    ),
    "kaspiysk": ("Kaspiysk", "Dagestan", "Каспийск", "в Каспийске", "Каспийска", "в Дагестане"),
    "derbent": ("Derbent", "Dagestan", "Дербент", "в Дербенте", "Дербента", "в Дагестане"),
    "tskhinval": (
        "Tskhinvali",
        "South Ossetia",
        "Цхинвал",
        "в Цхинвале",
        "Цхинвала",
        "в Южной Осетии",
    ),
    "elista": ("Elista", "Kalmykia", "Элиста", "в Элисте", "Элисты", "в Калмыкии"),
    "astrakhan": (
        "Astrakhan",
        "the Astrakhan Region",
        "Астрахань",
        "в Астрахани",
        "Астрахани",
        "в Астраханской области",
    ),
}

# (EN plural, RU nominative plural, RU genitive plural)
GROUPS = (
    ("Residents", "Жители", "жителей"),
    ("Activists", "Активисты", "активистов"),
    ("Farmers", "Фермеры", "фермеров"),
    ("Parents of schoolchildren", "Родители школьников", "родителей школьников"),
    ("Pensioners", "Пенсионеры", "пенсионеров"),
    ("Teachers", "Учителя", "учителей"),
    ("Drivers", "Водители", "водителей"),
    ("Students", "Студенты", "студентов"),
    ("Doctors", "Медики", "медиков"),
    ("Market traders", "Торговцы рынка", "торговцев рынка"),
)

# (EN, RU genitive — "против …", "из-за …")
ISSUES = (
    ("construction in the city park", "строительства в городском парке"),
    ("the rise in utility tariffs", "роста тарифов на коммунальные услуги"),
    ("the closure of the district hospital", "закрытия районной больницы"),
    ("the demolition of old houses", "сноса старых домов"),
    ("the felling of trees", "вырубки деревьев"),
    ("a new landfill", "нового мусорного полигона"),
    ("the cancellation of a bus route", "отмены автобусного маршрута"),
    ("the seizure of pastures", "изъятия пастбищ"),
    ("the merger of rural schools", "объединения сельских школ"),
    ("interruptions in water supply", "перебоев с водоснабжением"),
    ("the construction of a quarry", "строительства карьера"),
    ("high fuel prices", "высоких цен на топливо"),
)

# (EN authority, RU authority nominative, RU authority dative)
AUTHORITIES = (
    ("the city administration", "городская администрация", "городской администрации"),
    ("the regional government", "правительство республики", "правительству республики"),
    ("the prosecutor's office", "прокуратура", "прокуратуре"),
    ("the Ministry of Health", "министерство здравоохранения", "министерству здравоохранения"),
    ("the district administration", "администрация района", "администрации района"),
    ("the Ministry for Emergencies", "МЧС", "МЧС"),
    ("the Ministry of Internal Affairs", "МВД", "МВД"),
    ("the local court", "местный суд", "местному суду"),
)

FIRST_EN = (
    "Anna",
    "Ruslan",
    "Lyudmila",
    "Oleg",
    "Zarina",
    "Emil",
    "Tamaz",
    "Karen",
    "Marina",
    "Akhmed",
    "Svetlana",
    "Timur",
    "Irina",
    "Zaur",
    "Madina",
    "Arsen",
    "Elena",
    "Murad",
)
LAST_EN = (
    "Grigorieva",
    "Tsoraev",
    "Maratova",
    "Krasnov",
    "Tsakhoeva",
    "Gasanov",
    "Lakoba",
    "Avetisyan",
    "Ahmetova",
    "Gagiev",
    "Kuznetsova",
    "Aliev",
    "Dzhioev",
    "Bekova",
    "Arshba",
    "Petrova",
    "Ismailov",
    "Khubiev",
)
FIRST_RU = (
    "Анна",
    "Руслан",
    "Людмила",
    "Олег",
    "Зарина",
    "Эмиль",
    "Тамаз",
    "Карен",
    "Марина",
    "Ахмед",
    "Светлана",
    "Тимур",
    "Ирина",
    "Заур",
    "Мадина",
    "Арсен",
    "Елена",
    "Мурад",
)
LAST_RU_M = (
    "Цораев",
    "Краснов",
    "Гасанов",
    "Лакоба",
    "Аветисян",
    "Гагиев",
    "Алиев",
    "Джиоев",
    "Аршба",
    "Исмаилов",
    "Хубиев",
    "Беков",
)
LAST_RU_F = (
    "Григорьева",
    "Маратова",
    "Цахоева",
    "Ахметова",
    "Кузнецова",
    "Бекова",
    "Петрова",
    "Джиоева",
    "Исмаилова",
    "Хубиева",
    "Аршба",
    "Гасанова",
)
FEMALE_RU = {"Анна", "Людмила", "Зарина", "Марина", "Светлана", "Ирина", "Мадина", "Елена"}

ROLES_EN = (
    "a local resident",
    "a lawyer",
    "a human rights defender",
    "a member of the initiative group",
    "a deputy of the city council",
    "a school teacher",
    "a participant of the action",
    "an expert",
)
ROLES_RU = (
    "местная жительница",
    "адвокат",
    "правозащитник",
    "член инициативной группы",
    "депутат городского совета",
    "учитель",
    "участник акции",
    "эксперт",
)

# Per-topic sentence pools. Slots: {place} {region} {group} {group_l} {issue} {auth} {n} {m}
# {name} {role} {day}. RU slots: {place_loc} {place_gen} {region_loc} {group} {group_gen}
# {issue_gen} {auth} {auth_dat} {n} {m} {name} {role} {day}.
TITLES_EN = {
    "protest": (
        "{group} of {place} hold rally against {issue}",
        "Police detain {n} participants of protest in {place}",
        "{group} in {place} demand halt to {issue}",
    ),
    "court": (
        "Court in {place} postpones hearing on {issue}",
        "{region} court sentences activist to {m} years",
        "Lawyers appeal verdict in case of {place} blogger",
    ),
    "utilities": (
        "{group} of {place} complain about {issue}",
        "{place} left without gas after accident",
        "Heating outages continue in {place}",
    ),
    "disaster": (
        "Mudslide blocks mountain road in {region}",
        "Flood damages {n} houses near {place}",
        "Avalanche warning issued in {region}",
    ),
    "interethnic": (
        "Conflict between villagers in {region} settled by elders",
        "Land dispute aggravates relations between villages near {place}",
        "Round table on interethnic peace held in {place}",
    ),
    "labour": (
        "Workers in {place} complain about unpaid wages",
        "{group} of {place} protest against layoffs",
        "Miners in {region} go on hunger strike",
    ),
    "society": (
        "Volunteers in {place} help families in need",
        "{group} in {place} ask authorities to open kindergarten",
        "Festival of folk music held in {place}",
    ),
    "security": (
        "Counter-terrorist operation regime introduced in {region}",
        "Law enforcers report detention of {n} suspects in {region}",
        "Relatives of detained men in {place} complain about torture",
    ),
    "elections": (
        "Observers report violations at elections in {place}",
        "Opposition in {region} announces boycott of elections",
        "Candidates in {place} complain about pressure",
    ),
    "roads": (
        "{group} of {place} ask to repair damaged road",
        "Bridge near {place} closed for repairs",
        "Bus route to suburbs of {place} restored after complaints",
    ),
}
TITLES_RU = {
    "protest": (
        "{group} {place_gen} вышли на акцию против {issue_gen}",
        "Полиция задержала {n} участников акции {place_loc}",
        "{group} {place_gen} потребовали остановить проведение работ",
    ),
    "court": (
        "Суд {place_loc} отложил рассмотрение дела активиста",
        "Суд {region_loc} приговорил активиста к {m} годам колонии",
        "Адвокаты обжаловали приговор блогеру {place_loc}",
    ),
    "utilities": (
        "{group} {place_gen} пожаловались на последствия {issue_gen}",
        "Жители {place_gen} остались без газа после аварии",
        "Перебои с отоплением продолжаются {place_loc}",
    ),
    "disaster": (
        "Сель перекрыл горную дорогу {region_loc}",
        "Паводок повредил {n} домов {place_loc}",
        "Угроза схода лавин объявлена {region_loc}",
    ),
    "interethnic": (
        "Старейшины урегулировали конфликт между жителями сел {region_loc}",
        "Земельный спор обострил отношения между селами {region_loc}",
        "Круглый стол о межнациональном мире прошел {place_loc}",
    ),
    "labour": (
        "Рабочие {place_loc} пожаловались на невыплату зарплаты",
        "{group} {place_gen} выступили против сокращений",
        "Шахтеры {region_loc} объявили голодовку",
    ),
    "society": (
        "Волонтеры {place_loc} помогают нуждающимся семьям",
        "{group} {place_gen} попросили власти открыть детский сад",
        "Фестиваль народной музыки прошел {place_loc}",
    ),
    "security": (
        "Режим КТО введен {region_loc}",
        "Силовики сообщили о задержании {n} подозреваемых {region_loc}",
        "Родственники задержанных {place_loc} пожаловались на пытки",
    ),
    "elections": (
        "Наблюдатели сообщили о нарушениях на выборах {place_loc}",
        "Оппозиция {region_loc} объявила бойкот выборов",
        "Кандидаты {place_loc} пожаловались на давление",
    ),
    "roads": (
        "{group} {place_gen} попросили отремонтировать дорогу",
        "Мост {place_loc} закрыт на ремонт",
        "Автобусный маршрут в пригороды {place_gen} восстановлен после жалоб",
    ),
}

OPENERS_EN = (
    '{group} of {place} have complained about {issue}, they told the "Caucasian Knot" '
    "correspondent.",
    "About {n} people took part in the action held in {place} on {day}, the organizers have "
    "reported.",
    "{auth_cap} has promised to consider the complaints of {group_l} of {place} within a month.",
    "The situation in {place} remains tense, local residents have reported.",
    "On {day}, {group_l} of {place} addressed {auth} with a collective letter.",
)
OPENERS_RU = (
    "{group} {place_gen} пожаловались на последствия {issue_gen}, рассказали они корреспонденту "
    '"Кавказского узла".',
    "Около {n} человек приняли участие в акции, прошедшей {place_loc} {day_ru}, сообщили "
    "организаторы.",
    "Представители власти пообещали рассмотреть жалобы жителей {place_gen} в течение месяца.",
    "Ситуация {place_loc} остается напряженной, сообщили местные жители.",
    "{day_ru_cap} {group_l} {place_gen} направили коллективное обращение {auth_dat}.",
)
SENTENCES_EN = (
    "According to the residents, the problem has persisted for {m} months.",
    "Nobody from {auth} came out to talk to the people.",
    "The officials promised to solve the problem by the end of the year, but nothing has "
    "changed since then.",
    "{auth_cap} has not yet commented on the situation.",
    "The participants of the meeting adopted a resolution and sent it to {auth}.",
    "About {n} signatures have been collected under the appeal.",
    "Law enforcers did not interfere with the action.",
    "Similar complaints have been received from other districts of {region}.",
    "The residents intend to go to court if their demands are not met.",
    "The next meeting is scheduled for {day}.",
    "In {region}, such cases are not rare, human rights defenders note.",
    "The repair works are estimated at {n} million roubles.",
    "Representatives of {auth} explained that the funds had not been allocated yet.",
    "The case has been sent for a new consideration.",
    "The defence insists that the evidence was fabricated.",
)
SENTENCES_RU = (
    "По словам жителей, проблема сохраняется уже {m} {months_ru}.",
    "Никто из представителей власти к людям не вышел.",
    "Чиновники обещали решить проблему до конца года, однако с тех пор ничего не изменилось.",
    "Официальных комментариев по ситуации пока не поступало.",
    "Участники встречи приняли резолюцию и направили ее {auth_dat}.",
    "Под обращением собрано около {n} подписей.",
    "Сотрудники полиции не вмешивались в ход акции.",
    "Похожие жалобы поступают и из других районов, отметили правозащитники.",
    "Жители намерены обратиться в суд, если их требования не будут выполнены.",
    "Следующая встреча назначена на {day_ru}.",
    "Подобные случаи {region_loc} нередки, отмечают правозащитники.",
    "Стоимость ремонтных работ оценивается в {n} миллионов рублей.",
    "Представители власти пояснили, что средства пока не выделены.",
    "Дело направлено на новое рассмотрение.",
    "Защита настаивает на том, что доказательства сфабрикованы.",
)
QUOTES_EN = (
    "We have been writing letters for a year, and nobody answers us",
    "The authorities promised to help, but we still see nothing",
    "People are afraid to speak openly, but everyone knows what is happening",
    "We only want our children to be safe",
    "The court ignored all our arguments",
    "This is the only road to our village, and it has been closed for weeks",
)
QUOTES_RU = (
    "Мы пишем письма уже год, и никто нам не отвечает",
    "Власти обещали помочь, но мы до сих пор ничего не видим",
    "Люди боятся говорить открыто, но все знают, что происходит",
    "Мы хотим только, чтобы наши дети были в безопасности",
    "Суд проигнорировал все наши доводы",
    "Это единственная дорога в наше село, и она закрыта уже несколько недель",
)
BACKGROUND_EN = (
    "residents of {place} had already complained about the problem",
    "a similar action was held in {place} last year",
    "the authorities of {region} had promised to solve the problem",
    "the case had caused a public outcry in {region}",
    "the conflict had been going on for several months",
)
BACKGROUND_RU = (
    "жители {place_gen} уже жаловались на эту проблему",
    "похожая акция прошла {place_loc} в прошлом году",
    "власти обещали решить проблему",
    "это дело вызвало общественный резонанс",
    "конфликт продолжается несколько месяцев",
)
HEADINGS_EN = (
    "Position of the authorities",
    "Residents' demands",
    "Background",
    "What the lawyers say",
    "Reaction of human rights defenders",
    "Previous cases",
)
HEADINGS_RU = (
    "Позиция властей",
    "Требования жителей",
    "Предыстория",
    "Мнение юристов",
    "Реакция правозащитников",
    "Похожие случаи",
)
LIST_INTRO_EN = (
    "The participants of the action put forward the following demands:",
    "The residents listed the main problems:",
)
LIST_INTRO_RU = (
    "Участники акции выдвинули следующие требования:",
    "Жители перечислили основные проблемы:",
)
LIST_ITEMS_EN = (
    "to repair the road before winter;",
    "to restore the bus route;",
    "to hold public hearings;",
    "to punish those responsible;",
    "to publish the results of the inspection;",
    "to compensate the damage;",
    "to stop the construction works.",
)
LIST_ITEMS_RU = (
    "отремонтировать дорогу до зимы;",
    "восстановить автобусный маршрут;",
    "провести публичные слушания;",
    "наказать виновных;",
    "опубликовать результаты проверки;",
    "возместить ущерб;",
    "остановить строительные работы.",
)
EXTERNAL = (
    ("https://www.memo.ru/ru-ru/projects/", "the human rights project", "правозащитного проекта"),
    (
        "https://05.mchs.gov.ru/deyatelnost/press-centr/novosti",
        "the regional branch of the Ministry for Emergencies",
        "регионального управления МЧС",
    ),
    (
        "https://t.me/s/city_admin_news",
        "the Telegram channel of the administration",
        "Telegram-канале администрации",
    ),
    ("https://sudrf.ru/index.php?id=300", "the court's website", "сайте суда"),
    (
        "https://www.hrw.org/europe/central-asia/russia",
        "the report of Human Rights Watch",
        "доклада Human Rights Watch",
    ),
    ("https://minzdrav.example.org/press/", "the Ministry of Health", "минздрава"),
)
CAPTIONS_EN = (
    '{place}. Photo by {name} for the "Caucasian Knot"',
    "Participants of the action. Photo: press service of the organizers",
    'A street in {place}. Photo by {name} for the "Caucasian Knot"',
    "Screenshot of a video posted on Telegram https://t.me/s/news_{key}/{n}",
    "The building of the court in {place}. Photo: https://commons.wikimedia.org/wiki/File:"
    "{key}_{n}.jpg",
    "The scene of the accident. Photo: press service of {auth}",
)
CAPTIONS_RU = (
    '{place_nom}. Фото: {name} для "Кавказского узла"',
    "Участники акции. Фото пресс-службы организаторов",
    'Улица {place_gen}. Фото: {name} для "Кавказского узла"',
    "Скриншот видео из Telegram https://t.me/s/news_{key}/{n}",
    "Здание суда {place_gen}. Фото: https://commons.wikimedia.org/wiki/File:{key}_{n}.jpg",
)
UPDATES_EN = (
    'Update: {auth} has confirmed the information to the "Caucasian Knot".',
    "Update: the number of participants has been specified; about {n} people attended.",
    "Update: the hearing has been postponed until {day}.",
)
UPDATES_RU = (
    'Дополнение: информацию "Кавказскому узлу" подтвердили в ведомстве.',
    "Дополнение: число участников уточнено, пришли около {n} человек.",
    "Дополнение: заседание отложено до {day_ru}.",
)
SPRAVKA_TITLES = (
    "Коммунальные проблемы {region_gen}",
    "Земельные споры {region_loc}",
    "Преследование активистов {region_loc}",
    "Экологические конфликты {region_loc}",
    "Вооруженное подполье {region_loc}: хроника",
)
REGION_GEN_RU = {
    "в Кабардино-Балкарии": "Кабардино-Балкарии",
    "в Дагестане": "Дагестана",
    "в Чечне": "Чечни",
    "в Северной Осетии": "Северной Осетии",
    "в Ингушетии": "Ингушетии",
    "в Карачаево-Черкесии": "Карачаево-Черкесии",
    "в Ставропольском крае": "Ставропольского края",
    "в Абхазии": "Абхазии",
    "в Грузии": "Грузии",
    "в Армении": "Армении",
    "в Азербайджане": "Азербайджана",
    "в Краснодарском крае": "Краснодарского края",
    "в Ростовской области": "Ростовской области",
    "в Южной Осетии": "Южной Осетии",
    "в Калмыкии": "Калмыкии",
    "в Астраханской области": "Астраханской области",
}
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MONTHS_RU_GEN = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)

# Topic-specific sentences, mixed with the general pool above.
TOPIC_SENTENCES_EN = {
    "protest": (
        'The protesters held posters reading "Hands off our park" and "We demand a dialogue".',
        "Some participants of the rally were taken to a police station and released by evening.",
        "The organizers had notified the city hall about the action in advance.",
        "Most of the protesters were residents of nearby houses.",
    ),
    "court": (
        "The defendant pleaded not guilty and called the case politically motivated.",
        "The prosecutor asked for a real term, but the court chose a milder punishment.",
        "The hearing was held behind closed doors at the request of the investigators.",
        "The defence intends to appeal the verdict to the Supreme Court of the republic.",
    ),
    "utilities": (
        "Gas pressure in the houses drops every evening, so residents have to use heaters.",
        "The management company explained the outages by the deterioration of the networks.",
        "Water is delivered to the district by tank trucks twice a week.",
        "The tariffs have risen by 15 percent since the beginning of the year.",
    ),
    "disaster": (
        "Rescuers evacuated residents of the flooded houses to a temporary shelter.",
        "The road services have sent bulldozers and excavators to the site.",
        "The weather forecasters warn that heavy rains will continue for several days.",
        "Nobody was injured, the Ministry for Emergencies has reported.",
    ),
    "interethnic": (
        "Representatives of both communities agreed to set up a joint commission.",
        "The elders called on the young people not to give in to provocations.",
        "The dispute over the pastures has lasted since the 1990s.",
        "The police reinforced patrols in both villages after the fight.",
    ),
    "labour": (
        "The wage arrears have reached several million roubles.",
        "The workers say that they have not been paid since the spring.",
        "The labour inspectorate has launched an inspection at the enterprise.",
        "The management of the plant promised to pay off the debts by the end of the month.",
    ),
    "society": (
        "The volunteers collected food, clothes and medicines for the families.",
        "Children from several districts of the republic took part in the event.",
        "The organizers plan to make the festival an annual one.",
        "The local library hosted an exhibition of photos from family archives.",
    ),
    "security": (
        "The law enforcers reported that the suspects had offered armed resistance.",
        "Relatives of the detained men claim that they had nothing to do with the underground.",
        "The regime of the counter-terrorist operation was cancelled the next day.",
        "Human rights defenders demand an investigation into the reports of torture.",
    ),
    "elections": (
        "The observers recorded cases of carousel voting at several polling stations.",
        "The election commission has not received any official complaints, its head said.",
        "The turnout in the district exceeded 80 percent, according to the official data.",
        "Opposition candidates were not allowed to register for the election.",
    ),
    "roads": (
        "Potholes on the road have not been repaired for several years.",
        "The bridge was built in the 1960s and has never been overhauled.",
        "Buses now have to make a detour of about 30 kilometres.",
        "The repair of the road has been included in the regional programme for next year.",
    ),
}
TOPIC_SENTENCES_RU = {
    "protest": (
        'Участники акции держали плакаты "Руки прочь от парка" и "Требуем диалога".',
        "Некоторых участников митинга доставили в отдел полиции и отпустили к вечеру.",
        "Организаторы заранее уведомили мэрию о проведении акции.",
        "Большинство участников акции — жители соседних домов.",
    ),
    "court": (
        "Подсудимый не признал вину и назвал дело политически мотивированным.",
        "Прокурор просил реальный срок, однако суд назначил более мягкое наказание.",
        "Заседание прошло в закрытом режиме по ходатайству следствия.",
        "Защита намерена обжаловать приговор в Верховном суде республики.",
    ),
    "utilities": (
        "Давление газа в домах каждый вечер падает, и жителям приходится включать обогреватели.",
        "В управляющей компании объяснили перебои износом сетей.",
        "Воду в район дважды в неделю привозят в цистернах.",
        "С начала года тарифы выросли на 15 процентов.",
    ),
    "disaster": (
        "Спасатели эвакуировали жителей подтопленных домов в пункт временного размещения.",
        "На место направлены бульдозеры и экскаваторы дорожных служб.",
        "Синоптики предупреждают, что сильные дожди продлятся еще несколько дней.",
        "Пострадавших нет, сообщили в МЧС.",
    ),
    "interethnic": (
        "Представители обеих общин договорились создать совместную комиссию.",
        "Старейшины призвали молодежь не поддаваться на провокации.",
        "Спор из-за пастбищ продолжается с 1990-х годов.",
        "После драки полиция усилила патрулирование в обоих селах.",
    ),
    "labour": (
        "Задолженность по зарплате достигла нескольких миллионов рублей.",
        "По словам рабочих, зарплату им не выплачивают с весны.",
        "Трудовая инспекция начала проверку на предприятии.",
        "Руководство завода пообещало погасить долги до конца месяца.",
    ),
    "society": (
        "Волонтеры собрали для семей продукты, одежду и лекарства.",
        "В мероприятии приняли участие дети из нескольких районов республики.",
        "Организаторы планируют сделать фестиваль ежегодным.",
        "В местной библиотеке открылась выставка фотографий из семейных архивов.",
    ),
    "security": (
        "Силовики сообщили, что подозреваемые оказали вооруженное сопротивление.",
        "Родственники задержанных утверждают, что те не имели отношения к подполью.",
        "Режим КТО был отменен на следующий день.",
        "Правозащитники требуют расследовать сообщения о пытках.",
    ),
    "elections": (
        'Наблюдатели зафиксировали случаи "карусельного" голосования на нескольких участках.',
        "Официальных жалоб в избирательную комиссию не поступало, заявил ее председатель.",
        "Явка в районе превысила 80 процентов, следует из официальных данных.",
        "Кандидатам от оппозиции отказали в регистрации.",
    ),
    "roads": (
        "Ямы на дороге не ремонтируют уже несколько лет.",
        "Мост построен в 1960-х годах и ни разу не ремонтировался капитально.",
        "Теперь автобусам приходится делать крюк около 30 километров.",
        "Ремонт дороги включен в региональную программу на следующий год.",
    ),
}

# Topic-specific first sentences (the lead of most articles).
TOPIC_OPENERS_EN = {
    "protest": (
        "About {n} residents of {place} gathered on {day} to protest against {issue}.",
        "{group} of {place} have held a picket demanding to stop {issue}.",
    ),
    "court": (
        "A court in {place} has postponed the hearing of the case related to {issue}.",
        "The defence has appealed the verdict passed by the court in {place}.",
    ),
    "utilities": (
        "{group} of {place} have complained about {issue} and interruptions in gas supply.",
        "Several blocks of flats in {place} have been left without heating for three days.",
    ),
    "disaster": (
        "Heavy rains have caused a mudslide that blocked a mountain road in {region}.",
        "Floodwater has damaged about {n} houses in the suburbs of {place}.",
    ),
    "interethnic": (
        "Elders of two villages near {place} have met to settle a dispute over pastures.",
        "A round table on interethnic relations has been held in {place}.",
    ),
    "labour": (
        "Workers of an enterprise in {place} have complained that their wages have not "
        "been paid for {m} months.",
        "{group} of {place} have protested against mass layoffs.",
    ),
    "society": (
        "Volunteers in {place} have collected aid for {n} families in need.",
        "A festival of folk music has been held in {place}.",
    ),
    "security": (
        "Law enforcers have reported the detention of {n} suspects in {region}.",
        "Relatives of men detained in {place} have complained about torture.",
    ),
    "elections": (
        "Observers have reported violations at the elections held in {place}.",
        "Opposition candidates in {region} have complained about pressure.",
    ),
    "roads": (
        "{group} of {place} have asked the authorities to repair the only road to their district.",
        "The bridge near {place} has been closed for repairs, drivers have reported.",
    ),
}
TOPIC_OPENERS_RU = {
    "protest": (
        "Около {n} жителей {place_gen} {day_ru} вышли на акцию против {issue_gen}.",
        "{group} {place_gen} провели пикет с требованием остановить работы.",
    ),
    "court": (
        "Суд {place_loc} отложил рассмотрение дела, связанного с последствиями {issue_gen}.",
        "Защита обжаловала приговор, вынесенный судом {place_loc}.",
    ),
    "utilities": (
        "{group} {place_gen} пожаловались на перебои с газом и последствия {issue_gen}.",
        "Несколько многоквартирных домов {place_loc} третий день остаются без отопления.",
    ),
    "disaster": (
        "Из-за сильных дождей {region_loc} сошел сель, перекрывший горную дорогу.",
        "Паводок повредил около {n} домов в пригороде {place_gen}.",
    ),
    "interethnic": (
        "Старейшины двух сел встретились, чтобы урегулировать спор из-за пастбищ.",
        "{place_loc_cap} прошел круглый стол о межнациональных отношениях.",
    ),
    "labour": (
        "Работники предприятия {place_loc} пожаловались, что им {m} {months_ru} не "
        "выплачивают зарплату.",
        "{group} {place_gen} выступили против массовых сокращений.",
    ),
    "society": (
        "Волонтеры {place_loc} собрали помощь для {n} нуждающихся семей.",
        "{place_loc_cap} прошел фестиваль народной музыки.",
    ),
    "security": (
        "Силовики сообщили о задержании {n} подозреваемых {region_loc}.",
        "Родственники задержанных {place_loc} пожаловались на пытки.",
    ),
    "elections": (
        "Наблюдатели сообщили о нарушениях на выборах {place_loc}.",
        "Кандидаты от оппозиции {region_loc} пожаловались на давление.",
    ),
    "roads": (
        "{group} {place_gen} попросили власти отремонтировать единственную дорогу в их район.",
        "Мост {place_loc} закрыт на ремонт, сообщили водители.",
    ),
}
