//! Common given and family names, as facts about who lives in and passes through France.
//! Space-separated; a name of two words (Le Gall, Da Silva) is joined by an underscore.

pub(super) const FRENCH_FEMALE: &str = "Marie Jeanne Françoise Monique Catherine Nathalie Isabelle \
Jacqueline Sylvie Anne Martine Christine Nicole Sophie Valérie Sandrine Stéphanie Céline Véronique \
Chantal Christiane Julie Aurélie Camille Laura Léa Manon Emma Chloé Inès Jade Louise Alice Lina Zoé \
Juliette Sarah Clara Anaïs Mathilde Pauline Marine Émilie Laetitia Caroline Élodie Audrey Virginie \
Hélène Brigitte Danielle Michèle Colette Odette Simone Yvette Josiane Ginette Denise Geneviève \
Claudine Annie Patricia Florence Agnès Béatrice Corinne Karine Delphine Charlotte Margaux Océane \
Élise Lucie Mélanie Marion Justine Morgane Clémence Noémie Léna Ambre Rose Agathe Romane Eva \
Maëlys Capucine Apolline Gabrielle Héloïse Victoire Solène Maëlle Lou Nina Adèle Mila Anna Élisa \
Célia Laure Sabine Muriel Solange Thérèse Madeleine Marguerite Suzanne Paulette Lucienne Germaine \
Marcelle Raymonde Bernadette Odile Régine Yolande Josette Mireille Éliane Évelyne Joëlle Nadine \
Claire Estelle Fabienne Frédérique Gisèle Huguette Irène Jocelyne Lydie Maryse Nadège Ophélie \
Perrine Roselyne Sylviane Armelle Bérénice Coralie Daphné Eugénie Fanny Gwendoline Hortense \
Jessica Lætitia Manuela Mélissa Priscilla Rachel Séverine Tiphaine Vanessa Yasmine";

pub(super) const FRENCH_MALE: &str = "Jean Pierre Michel André Philippe Alain Jacques Bernard René \
Louis Daniel Claude Nicolas Christophe Patrick Christian Frédéric Laurent Stéphane Éric Olivier \
David Julien Sébastien Thomas Alexandre Guillaume Antoine Maxime Hugo Lucas Gabriel Léo Raphaël \
Arthur Jules Adam Nathan Ethan Paul Théo Noah Mathis Tom Enzo Baptiste Romain Vincent François \
Jérôme Thierry Pascal Dominique Didier Gérard Marcel Roger Robert Henri Georges Serge Yves Gilles \
Bruno Franck Cédric Fabrice Emmanuel Benoît Damien Mickaël Jérémy Kévin Anthony Florian Valentin \
Quentin Clément Benjamin Adrien Victor Martin Simon Samuel Axel Timothée Gaspard Augustin Aurélien \
Matthieu Xavier Arnaud Hervé Joël Lionel Régis Sylvain Thibault Loïc Yann Gaëtan Rémi Cyril Fabien \
Grégory Raymond Roland Guy Maurice Lucien Fernand Émile Gaston Albert Edmond Joseph Charles Marc \
Bastien Corentin Killian Dylan Nolan Sacha Évan Aymeric Côme Alexis Amaury Anatole Bertrand \
Charly Denis Édouard Étienne Félix Gautier Hector Jérémie Jonathan Ludovic Mathieu Nathanaël Noël \
Octave Pacôme Richard Sylvestre Tristan Ulysse Wilfried Yohan";

pub(super) const FRENCH_FAMILY: &str = "Martin Bernard Thomas Petit Robert Richard Durand Dubois \
Moreau Laurent Simon Michel Lefèvre Leroy Roux David Bertrand Morel Fournier Girard Bonnet Dupont \
Lambert Fontaine Rousseau Vincent Muller Lefebvre Faure André Mercier Blanc Guérin Boyer Garnier \
Chevalier François Legrand Gauthier Garcia Perrin Robin Clément Morin Nicolas Henry Roussel \
Mathieu Gautier Masson Marchand Duval Denis Dumont Marie Lemaire Noël Meyer Dufour Meunier Brun \
Blanchard Giraud Joly Rivière Lucas Brunet Gaillard Barbier Arnaud Martinez Gérard Roche Renard \
Schmitt Roy Leroux Colin Vidal Caron Picard Roger Fabre Aubert Lemoine Renaud Dumas Lacroix Olivier \
Philippe Bourgeois Pierre Benoît Rey Leclerc Payet Rolland Leclercq Guillaume Lecomte Lopez Jean \
Dupuy Guillot Hubert Berger Carpentier Sanchez Dupuis Moulin Louis Deschamps Huet Vasseur Perez \
Boucher Fleury Royer Klein Jacquet Adam Paris Poirier Marty Aubry Guyot Carré Charles Renault \
Charpentier Ménard Maillard Baron Bertin Bailly Hervé Schneider Fernandez Le_Gall Collet Léger \
Bouvier Julien Prévost Millet Perrot Daniel Le_Roux Cousin Germain Breton Besson Langlois Rémy \
Le_Goff Pelletier Lévêque Perrier Leblanc Barré Lebrun Marchal Weber Mallet Hamon Boulanger Jacob \
Monnier Michaud Rodriguez Guichard Gillet Étienne Grondin Poulain Tessier Chevallier Collin Chauvin \
Da_Silva Bouchet Gay Lemaître Bénard Maréchal Humbert Reynaud Antoine Hoarau Perret Barthélemy \
Cordier Pichon Lejeune Gilbert Lamy Delaunay Pasquier Carlier Laporte Dupré Duprat Delmas Texier \
Courtois Bigot Labbé Guillou Besnard Buisson Bocquet Lefort Navarro Ferrand Coulon Delattre \
Desmoulins Dubreuil Duchêne Dufresne Favre Foucher Gervais Godard Grégoire Hamel Hébert Jourdan \
Lacombe Laffont Lagarde Lebon Leconte Lemercier Lesage Levasseur Maillot Marchetti Martel Maurin \
Mignon Mouton Nguyen Pages Pineau Poulet Riviere Rocher Sauvage Tanguy Thibault Tournier Vallée \
Verdier Vial Villard Vigneron Chartier Bouvet Jolivet Lemonnier Sabatier Castel Ollivier";

pub(super) const WORLD_GIVEN: &str = "José Juan Carlos Luis Miguel Javier Alejandro Manuel Pablo \
Sergio Diego Jorge Raúl Álvaro Andrés João Pedro Tiago Rui Gonçalo María Carmen Lucía Isabel Ana \
Marta Paula Elena Sofía Inês Beatriz Joana Catarina Mariana Giuseppe Giovanni Antonio Mario \
Francesco Luigi Marco Alessandro Andrea Matteo Lorenzo Giulia Chiara Francesca Alessia Valentina \
Federica Martina Jürgen Klaus Stefan Wolfgang Andreas Michael Uwe Lukas Felix Ursula Monika Petra \
Katrin Anke Jana John James William Edward George Harry Oliver Jack Mary Elizabeth Jennifer \
Margaret Susan Emily Olivia Amelia Grace Jessica Piotr Krzysztof Andrzej Tomasz Paweł Łukasz \
Michał Katarzyna Małgorzata Agnieszka Magdalena Joanna Zofia Mehmet Mustafa Ahmet Hüseyin Emre \
Burak Ayşe Fatma Emine Zeynep Elif Gül Minh Anh Tuấn Hùng Dũng Thảo Linh Hương Lan Phương Mamadou \
Moussa Ibrahima Ousmane Abdoulaye Cheikh Boubacar Aminata Fatoumata Mariama Awa Aïssatou Kadiatou \
Seydou Kofi Kwame Adama Søren Lars Björn Åsa Ingrid Sigrid Øyvind Sean Siobhán Niamh Ciarán Declan \
Wei Jing Xiu Hao Yan Hiroshi Yuki Haruto Sakura";

pub(super) const WORLD_FAMILY: &str = "García Rodríguez González Fernández López Martínez Sánchez \
Pérez Gómez Díaz Hernández Ruiz Jiménez Moreno Álvarez Silva Santos Ferreira Pereira Oliveira Costa \
Rodrigues Sousa Gonçalves Carvalho Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino \
Greco Bruno Gallo Conti De_Luca Müller Schmidt Fischer Wagner Becker Schulz Hoffmann Schäfer Koch \
Bauer Richter Wolf Schröder Neumann Zimmermann Krüger Smith Johnson Williams Brown Jones Miller \
Davis Wilson Taylor Anderson Thompson White Harris Clark Lewis Walker Hall Young King Wright \
O'Brien O'Connor Murphy Kelly Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski \
Zieliński Szymański Woźniak Yılmaz Kaya Demir Şahin Çelik Yıldız Yıldırım Öztürk Aydın Özdemir \
Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Diallo Traoré Diop Ndiaye Sow Camara Keita \
Coulibaly Cissé Touré Konaté Sylla Bâ Fofana Kouassi Koné Mensah Ouédraogo Sall Gueye N'Diaye \
Jensen Nielsen Hansen Pedersen Andersen Larsen Johansson Karlsson Nilsson Eriksson Lindqvist \
Østergaard Ødegaard De_Jong Jansen De_Vries Van_den_Berg Bakker Visser Peeters Janssens Maes Wang \
Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Sato Suzuki Takahashi Tanaka Watanabe";

/// Russian names with their Cyrillic spelling: (Latin, Cyrillic).
pub(super) const RUSSIAN_GIVEN: &[(&str, &str)] = &[
    ("Ivan", "Иван"),
    ("Dmitri", "Дмитрий"),
    ("Sergei", "Сергей"),
    ("Alexei", "Алексей"),
    ("Andrei", "Андрей"),
    ("Mikhail", "Михаил"),
    ("Nikolai", "Николай"),
    ("Vladimir", "Владимир"),
    ("Pavel", "Павел"),
    ("Yuri", "Юрий"),
    ("Oleg", "Олег"),
    ("Igor", "Игорь"),
    ("Boris", "Борис"),
    ("Anton", "Антон"),
    ("Maxim", "Максим"),
    ("Artem", "Артём"),
    ("Kirill", "Кирилл"),
    ("Roman", "Роман"),
    ("Denis", "Денис"),
    ("Yaroslav", "Ярослав"),
    ("Maria", "Мария"),
    ("Anna", "Анна"),
    ("Olga", "Ольга"),
    ("Natalia", "Наталья"),
    ("Elena", "Елена"),
    ("Tatiana", "Татьяна"),
    ("Svetlana", "Светлана"),
    ("Irina", "Ирина"),
    ("Ekaterina", "Екатерина"),
    ("Yulia", "Юлия"),
    ("Anastasia", "Анастасия"),
    ("Daria", "Дарья"),
    ("Ksenia", "Ксения"),
    ("Polina", "Полина"),
    ("Sofia", "София"),
    ("Vera", "Вера"),
    ("Galina", "Галина"),
    ("Lyudmila", "Людмила"),
    ("Nadezhda", "Надежда"),
    ("Oksana", "Оксана"),
];

/// Family names in their masculine form; the feminine adds -a (Ivanova, Иванова), except -enko.
pub(super) const RUSSIAN_FAMILY: &[(&str, &str)] = &[
    ("Ivanov", "Иванов"),
    ("Smirnov", "Смирнов"),
    ("Kuznetsov", "Кузнецов"),
    ("Popov", "Попов"),
    ("Vasiliev", "Васильев"),
    ("Petrov", "Петров"),
    ("Sokolov", "Соколов"),
    ("Mikhailov", "Михайлов"),
    ("Novikov", "Новиков"),
    ("Fedorov", "Федоров"),
    ("Morozov", "Морозов"),
    ("Volkov", "Волков"),
    ("Alekseev", "Алексеев"),
    ("Lebedev", "Лебедев"),
    ("Semenov", "Семенов"),
    ("Egorov", "Егоров"),
    ("Pavlov", "Павлов"),
    ("Kozlov", "Козлов"),
    ("Stepanov", "Степанов"),
    ("Nikolaev", "Николаев"),
    ("Orlov", "Орлов"),
    ("Andreev", "Андреев"),
    ("Makarov", "Макаров"),
    ("Nikitin", "Никитин"),
    ("Zakharov", "Захаров"),
    ("Zaitsev", "Зайцев"),
    ("Soloviev", "Соловьев"),
    ("Borisov", "Борисов"),
    ("Yakovlev", "Яковлев"),
    ("Grigoriev", "Григорьев"),
    ("Romanov", "Романов"),
    ("Vorobiev", "Воробьев"),
    ("Sergeev", "Сергеев"),
    ("Kuzmin", "Кузьмин"),
    ("Frolov", "Фролов"),
    ("Belov", "Белов"),
    ("Shevchenko", "Шевченко"),
    ("Bondarenko", "Бондаренко"),
    ("Kovalenko", "Коваленко"),
    ("Tkachenko", "Ткаченко"),
];

/// (Latin, Greek).
pub(super) const GREEK_GIVEN: &[(&str, &str)] = &[
    ("Georgios", "Γεώργιος"),
    ("Dimitrios", "Δημήτριος"),
    ("Konstantinos", "Κωνσταντίνος"),
    ("Ioannis", "Ιωάννης"),
    ("Nikolaos", "Νικόλαος"),
    ("Panagiotis", "Παναγιώτης"),
    ("Vasileios", "Βασίλειος"),
    ("Christos", "Χρήστος"),
    ("Athanasios", "Αθανάσιος"),
    ("Michail", "Μιχαήλ"),
    ("Evangelos", "Ευάγγελος"),
    ("Spyridon", "Σπυρίδων"),
    ("Maria", "Μαρία"),
    ("Eleni", "Ελένη"),
    ("Aikaterini", "Αικατερίνη"),
    ("Vasiliki", "Βασιλική"),
    ("Sofia", "Σοφία"),
    ("Angeliki", "Αγγελική"),
    ("Dimitra", "Δήμητρα"),
    ("Georgia", "Γεωργία"),
    ("Panagiota", "Παναγιώτα"),
    ("Eirini", "Ειρήνη"),
    ("Konstantina", "Κωνσταντίνα"),
    ("Christina", "Χριστίνα"),
];

pub(super) const GREEK_FAMILY: &[(&str, &str)] = &[
    ("Papadopoulos", "Παπαδόπουλος"),
    ("Papadakis", "Παπαδάκης"),
    ("Georgiou", "Γεωργίου"),
    ("Nikolaidis", "Νικολαΐδης"),
    ("Pappas", "Παππάς"),
    ("Oikonomou", "Οικονόμου"),
    ("Dimitriou", "Δημητρίου"),
    ("Konstantinidis", "Κωνσταντινίδης"),
    ("Karagiannis", "Καραγιάννης"),
    ("Vasileiou", "Βασιλείου"),
    ("Ioannou", "Ιωάννου"),
    ("Makris", "Μακρής"),
    ("Alexiou", "Αλεξίου"),
    ("Christodoulou", "Χριστοδούλου"),
    ("Antoniou", "Αντωνίου"),
    ("Angelopoulos", "Αγγελόπουλος"),
    ("Nikolaou", "Νικολάου"),
    ("Athanasiou", "Αθανασίου"),
    ("Panagiotopoulos", "Παναγιωτόπουλος"),
    ("Theodorou", "Θεοδώρου"),
];

/// (Latin as written in France, Arabic).
pub(super) const ARABIC_GIVEN: &[(&str, &str)] = &[
    ("Mohamed", "محمد"),
    ("Ahmed", "أحمد"),
    ("Ali", "علي"),
    ("Omar", "عمر"),
    ("Youssef", "يوسف"),
    ("Karim", "كريم"),
    ("Mustapha", "مصطفى"),
    ("Hassan", "حسن"),
    ("Hussein", "حسين"),
    ("Ibrahim", "إبراهيم"),
    ("Khaled", "خالد"),
    ("Said", "سعيد"),
    ("Rachid", "رشيد"),
    ("Nabil", "نبيل"),
    ("Samir", "سمير"),
    ("Walid", "وليد"),
    ("Tarek", "طارق"),
    ("Bilal", "بلال"),
    ("Hamza", "حمزة"),
    ("Amine", "أمين"),
    ("Fatima", "فاطمة"),
    ("Aicha", "عائشة"),
    ("Khadija", "خديجة"),
    ("Leila", "ليلى"),
    ("Yasmina", "ياسمينة"),
    ("Nadia", "نادية"),
    ("Samira", "سميرة"),
    ("Amina", "أمينة"),
    ("Meriem", "مريم"),
    ("Salma", "سلمى"),
    ("Zineb", "زينب"),
    ("Houda", "هدى"),
    ("Sara", "سارة"),
    ("Nour", "نور"),
    ("Imane", "إيمان"),
];

pub(super) const ARABIC_FAMILY: &[(&str, &str)] = &[
    ("Benali", "بن علي"),
    ("Haddad", "حداد"),
    ("Khalil", "خليل"),
    ("Mansour", "منصور"),
    ("Hamdi", "حمدي"),
    ("Saleh", "صالح"),
    ("Nasser", "ناصر"),
    ("Aziz", "عزيز"),
    ("Bouzid", "بوزيد"),
    ("Cherif", "شريف"),
    ("Amrani", "العمراني"),
    ("Idrissi", "الإدريسي"),
    ("Alaoui", "العلوي"),
    ("Tazi", "التازي"),
    ("Benjelloun", "بنجلون"),
    ("Bouazizi", "البوعزيزي"),
    ("Ghanem", "غانم"),
    ("Hamdan", "حمدان"),
    ("Jaber", "جابر"),
    ("Yacoub", "يعقوب"),
];
