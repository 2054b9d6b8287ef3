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

/// Compound given names as the French register them (Jean-Pierre, Marie-Claire), feminine.
pub(super) const FRENCH_COMPOUND_FEMALE: &str = "Marie-Claire Marie-Christine Marie-Thérèse \
Marie-France Marie-Hélène Marie-Pierre Marie-Laure Marie-Noëlle Marie-Josée Marie-Odile \
Marie-Paule Marie-Anne Marie-Line Marie-Agnès Marie-Louise Marie-Madeleine Marie-Jeanne \
Marie-Françoise Marie-Catherine Marie-Sophie Marie-Caroline Marie-Ange Marie-Lou Marie-Amélie \
Anne-Marie Anne-Sophie Anne-Laure Anne-Claire Anne-Lise Anne-Catherine Anne-Charlotte Anne-Cécile \
Marie-Eve Marie-José Marie-Annick Marie-Dominique Marie-Rose Marie-Jo Rose-Marie Lou-Anne \
Jeanne-Marie Marie-Gabrielle Marie-Bernadette Marie-Lucie Louise-Marie Claire-Marie Anne-Gaëlle \
Marie-Alix Marie-Capucine Marie-Victoire Eve-Marie Marie-Aude Marie-Blanche Anne-Hélène";

/// Compound given names, masculine.
pub(super) const FRENCH_COMPOUND_MALE: &str = "Jean-Pierre Jean-Claude Jean-Luc Jean-Louis \
Jean-François Jean-Marc Jean-Paul Jean-Michel Jean-Jacques Jean-Marie Jean-Philippe Jean-Yves \
Jean-Baptiste Jean-Christophe Jean-Charles Jean-Noël Jean-Guy Jean-René Jean-Bernard Jean-Daniel \
Jean-Pascal Jean-Sébastien Jean-Max Jean-Rémi Jean-Gabriel Jean-Hugues Jean-Eudes Jean-Loup \
Pierre-Yves Pierre-Alexandre Pierre-Louis Pierre-Emmanuel Pierre-Olivier Pierre-Henri Pierre-Jean \
Pierre-Marie Paul-Henri Paul-Antoine Paul-Émile Louis-Marie Marc-Antoine Marc-Olivier Marc-Henri \
Charles-Henri Charles-Édouard François-Xavier Henri-Pierre Luc-Henri Guy-Marie Michel-Ange \
Jean-Albert Jean-Roch Jacques-Henri Philippe-Antoine Louis-Philippe Yves-Marie Joseph-Marie";

/// More French family names, and those with a particle (de la Fontaine, Le Bihan, Du Pont).
pub(super) const FRENCH_FAMILY_MORE: &str = "Abadie Achard Allard Amiot Anquetil Arnould Astier \
Aubin Audibert Auger Babin Bachelet Bailleul Ballester Barbe Barreau Barthe Bataille Baudin Baudry \
Bazin Beaumont Bellamy Bellanger Benard Bernier Berthelot Bertrand Besse Bidault Billard Blanchet \
Blondel Bodin Boisseau Bonnard Bonnefoy Bonneau Bordes Bossard Bouchard Boudet Bougeard Bouquet \
Bourdon Bourgoin Boutin Brault Bret Briand Brossard Bruneau Brunel Bruyère Caillaud Camus Canet \
Carel Carrière Castagné Cazenave Chabert Chapuis Charbonnier Charrier Chassagne Chaumont Chauvet \
Chenu Chéron Chevrier Clerc Cochet Colas Combe Comte Cornu Coste Coudert Couturier Crépin Cuvelier \
Dacosta Dalmas Daniel Darras Dauphin Delage Delahaye Delannoy Delorme Delpech Demange Deniau Desbois \
Deschênes Desjardins Devaux Didier Drouet Dubost Duchamp Duclos Ducret Dufay Dugas Dulac Dumoulin \
Durieux Duthil Escoffier Esnault Fabre Faivre Fayolle Ferrier Féraud Fleurot Forestier Fouquet \
Fournel Franchet Gabriel Gallet Garreau Gasnier Gaudin Gauvin Genet Georges Gicquel Gimenez Girault \
Giroux Gobert Gosselin Goujon Grand Granger Grenier Grosjean Guillemin Guillon Guilbert Hardy \
Hennequin Hoareau Houdin Imbert Jacquemin Jamet Jeannin Joubert Jouve Julliard Keller Labat Lacoste \
Lafarge Laine Lalande Lambertin Landry Lapierre Laroche Larue Lasserre Laurens Lavigne Leblond \
Lebreton Lecoq Ledoux Lefranc Legendre Legros Lelièvre Lemaire Lenoir Leriche Letellier Leveque \
Lhomme Loiseau Loriot Lucet Maillet Malet Mangin Marais Marcel Marechal Margot Marin Marquet \
Massé Mathis Maury Mazière Ménager Merle Meyer Michon Millot Monet Montagne Moreau Morvan Mounier \
Navarre Neveu Noel Normand Ogier Orsini Pagès Paillard Parent Parmentier Pasquet Pellerin Pépin \
Perret Peyrot Picot Pinel Piquet Pons Potier Pottier Prat Provost Raynaud Rebours Regnier Rigaud \
Rivet Robert Rochette Rouault Rouillard Rousset Ruel Salmon Samson Sarrazin Seguin Sicard Simonet \
Tardieu Teissier Terrier Thiébaut Thomassin Tissot Toussaint Triboulet Turpin Vacher Valentin \
Vannier Verger Vernet Vidalie Viguier Villeneuve Voisin Wagner Weiss Zimmer \
de_la_Fontaine de_la_Tour de_la_Roche de_Saint-Exupéry de_Villiers de_Montfort de_Lattre \
du_Pont Du_Bois Le_Bihan Le_Corre Le_Floch Le_Guen Le_Meur Le_Berre Le_Bris Le_Duc Le_Moal \
Le_Borgne Le_Page Le_Clerc La_Fontaine Lacour Delacroix Dessaint Saint-Martin Saint-Pierre";

/// Maghrebi given names, with the spellings French civil registers use.
pub(super) const MAGHREBI_GIVEN: &str = "Mohamed Mohammed Mohamed-Amine Ahmed Ali Karim Farid Rachid \
Said Saïd Mourad Nabil Samir Khaled Hamid Abdelkader Abdallah Abdelaziz Youssef Youcef Yassine \
Mehdi Bilal Amine Ayoub Walid Hicham Hichem Sofiane Sofiene Nassim Rayan Ilyes Adel Hakim Kamel \
Kamal Mustapha Djamel Jamal Brahim Ibrahim Omar Othmane Hamza Anis Zakaria Redouane Rida Fouad \
Lahcen Mohand Salim Tarik Tarek Yanis Idir Smail Hocine Lyes Fatima Fatma Khadija Aïcha Aicha \
Nadia Samira Leila Leïla Malika Yamina Zohra Rachida Karima Naïma Nora Amina Yasmina Sonia Souad \
Hafida Houria Djamila Jamila Linda Imane Sara Meriem Myriam Inès Lina Salma Nour Hanane Sabrina \
Wafa Khadidja Ouarda Dalila Farida Latifa Nawel Sihem Asma Kenza Chaïma Yousra Soumaya Hajar";

/// Maghrebi family names.
pub(super) const MAGHREBI_FAMILY: &str = "Benali Ben_Ali Bensaïd Bensaid Benchikh Benamar Benaïssa \
Belkacem Belkacemi Benhamou Ben_Salah Bensalem Benyahia Benmoussa Bouaziz Boukhari Boumediene \
Bouzid Bouchareb Boudjema Boukhalfa Boulahia Bouras Brahimi Chaouch Cherif Chérif Djebbar Djellal \
El_Amrani El_Idrissi El_Khattabi El_Mansouri El_Fassi Ait_Ali Aït_Ahmed Ait_Said Amrani Azzouz \
Bakkali Bennani Berrada Chafik Chraibi Daoudi Ferhat Guerroudj Hadj Haddad Hadjadj Hamdi Hamidi \
Hammadi Kaci Kadri Khelifi Khelil Lahlou Laroussi Mansouri Meziane Mokrani Mebarki Messaoudi \
Nasri Ouali Ouchène Rahmani Saadi Saïdi Salhi Slimani Tahiri Taleb Touati Yahiaoui Zerrouki \
Ziani Zidane Zouari Ghanem Gharbi Jaziri Trabelsi Ben_Youssef Mejri Hammami Jebali Sassi Dridi \
Ouali Mahdi Kaddour Larbi Lounis Mammeri Rezgui Sahraoui Tebboune Benjelloun Tazi Alaoui";

/// West African given names.
pub(super) const WEST_AFRICAN_GIVEN: &str = "Mamadou Moussa Ibrahima Ousmane Abdoulaye Cheikh \
Boubacar Seydou Adama Souleymane Modibo Lamine Alassane Amadou Oumar Ousseynou Babacar Malick \
Modou Pape Samba Demba Moustapha Sékou Bakary Daouda Issa Youssouf Aliou Mahamadou Kalidou \
Kofi Kwame Kwabena Yaw Koffi Kouadio Yao Konan Désiré Serge-Alain Aboubacar Mory Tidiane \
Aminata Fatoumata Mariama Awa Aïssatou Kadiatou Fanta Bintou Rokia Oumou Ramatoulaye Coumba \
Ndeye Astou Khady Sokhna Dieynaba Adja Djeneba Hawa Mariam Safiatou Kadidia Assitan Korotoumou \
Aya Akissi Adjoua Amenan Affoué Ama Abena Efua Nafissatou Mame Penda Yacine";

/// West African family names.
pub(super) const WEST_AFRICAN_FAMILY: &str = "Diallo Traoré Diop Ndiaye N'Diaye Sow Camara Keita \
Keïta Coulibaly Cissé Touré Konaté Sylla Bâ Fofana Kouassi Koné Mensah Ouédraogo Sall Gueye Faye \
Fall Sarr Mbaye Ndoye Thiam Sy Kane Dia Barry Bah Baldé Sidibé Sangaré Diarra Dembélé Doumbia \
Bamba Kouyaté Diakité Tounkara Sissoko Dramé Diabaté Magassa Sacko Soumaré Konaté Kamara \
Yao Kouamé Koffi N'Guessan N'Goran Konan Kouadio Aka Ehui Zadi Gbagbo Ouattara Sanogo Zongo \
Sawadogo Kaboré Compaoré Ilboudo Zoungrana Owusu Boateng Asante Appiah Osei Adjei Amoah Agyeman";

/// Portuguese, Spanish and Italian given names.
pub(super) const SOUTHERN_GIVEN: &str = "José João António Manuel Francisco Joaquim Luís Carlos \
Paulo Fernando Jorge Rui Nuno Ricardo Vítor Miguel Tiago Bruno Hugo Sérgio Filipe Diogo Gonçalo \
Rodrigo Duarte Afonso Tomás Martim Maria Ana Isabel Teresa Fernanda Rosa Manuela Paula Cristina \
Sandra Sónia Susana Patrícia Helena Carla Marta Inês Beatriz Leonor Matilde Carolina Mariana \
Joana Catarina Rita Raquel Conceição Fátima Graça Lurdes Juan Luis Javier Alejandro Pablo Sergio \
Diego Raúl Álvaro Andrés Ignacio Enrique Ramón Francisca Dolores Pilar Lucía Elena Sofía Rocío \
Montserrat Giuseppe Giovanni Antonio Mario Francesco Luigi Marco Alessandro Andrea Matteo Lorenzo \
Salvatore Vincenzo Giulia Chiara Francesca Alessia Valentina Federica Martina Rosaria Concetta";

/// Portuguese, Spanish and Italian family names.
pub(super) const SOUTHERN_FAMILY: &str = "Silva Santos Ferreira Pereira Oliveira Costa Rodrigues \
Martins Jesus Sousa Fernandes Gonçalves Gomes Lopes Marques Alves Almeida Ribeiro Pinto Carvalho \
Teixeira Moreira Correia Mendes Nunes Soares Vieira Monteiro Cardoso Rocha Raposo Neves Coelho \
Cruz Cunha Pires Ramos Reis Simões Antunes Matos Fonseca Machado Araújo Barbosa Tavares Lourenço \
Castro Figueiredo Azevedo Freitas Dias Henriques Baptista Campos Magalhães Lima Brito Moura \
Da_Costa Da_Silva Dos_Santos De_Oliveira De_Sousa Do_Nascimento García Rodríguez González \
Fernández López Martínez Sánchez Pérez Gómez Díaz Hernández Ruiz Jiménez Moreno Álvarez Romero \
Navarro Torres Domínguez Vázquez Ramírez Serrano Blanco Molina Morales Ortega Delgado Castillo \
Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti De_Luca \
Mancini Costa Giordano Rizzo Lombardi Moretti Barbieri Fontana Santoro Mariani Rinaldi Caruso";

/// Polish and other Central European given names.
pub(super) const POLISH_GIVEN: &str = "Piotr Krzysztof Andrzej Tomasz Paweł Łukasz Michał Marcin \
Jakub Mateusz Kamil Grzegorz Wojciech Jan Stanisław Józef Zbigniew Jerzy Tadeusz Rafał Adam \
Dariusz Marek Mariusz Katarzyna Małgorzata Agnieszka Magdalena Joanna Zofia Anna Barbara Ewa \
Krystyna Elżbieta Dorota Monika Beata Aleksandra Justyna Karolina Natalia Paulina Weronika Wiktoria";

/// Polish family names.
pub(super) const POLISH_FAMILY: &str = "Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński \
Lewandowski Zieliński Szymański Woźniak Dąbrowski Kozłowski Jankowski Mazur Kwiatkowski Krawczyk \
Kaczmarek Piotrowski Grabowski Zając Pawłowski Michalski Król Wieczorek Jabłoński Wróbel Nowakowski \
Majewski Olszewski Stępień Malinowski Jaworski Adamczyk Dudek Nowicki Pawlak Górski Witkowski \
Walczak Sikora Baran Rutkowski Michalak Szewczyk Ostrowski Tomaszewski Pietrzak Duda Zalewski";

/// Turkish given names.
pub(super) const TURKISH_GIVEN: &str = "Mehmet Mustafa Ahmet Ali Hüseyin Hasan İbrahim İsmail \
Osman Yusuf Murat Ömer Ramazan Halil Süleyman Abdullah Mahmut Recep Kemal Emre Burak Serkan \
Volkan Oğuz Cem Can Kaan Deniz Emir Eren Ayşe Fatma Emine Hatice Zeynep Elif Meryem Şerife Zehra \
Hülya Sultan Hanife Merve Büşra Esra Özlem Gül Gülsüm Yasemin Derya Ebru Sibel Tuğba Seda Aslı";

/// Turkish family names.
pub(super) const TURKISH_FAMILY: &str = "Yılmaz Kaya Demir Şahin Çelik Yıldız Yıldırım Öztürk Aydın \
Özdemir Arslan Doğan Kılıç Aslan Çetin Kara Koç Kurt Özkan Şimşek Polat Özcan Korkmaz Çakır Erdoğan \
Yavuz Can Acar Şen Aktaş Güler Yalçın Güneş Bozkurt Bulut Keskin Ünal Turan Gül Özer Işık Kaplan \
Avcı Sarı Tekin Taş Köse Yüksel Ateş Aksoy";

/// Vietnamese names as registered in France: the middle and given names (Văn Minh, Thị Lan),
/// then the family name.
pub(super) const VIETNAMESE_MIDDLE: &str = "Văn Thị Đức Ngọc Hữu Minh Quang Thanh Xuân Kim Hoàng";
pub(super) const VIETNAMESE_GIVEN: &str = "Minh Anh Tuấn Hùng Dũng Thảo Linh Hương Lan Phương \
Hải Nam Long Trung Hiếu Huy Khoa Bảo Thắng Quân Tâm Hà Mai Hoa Ngân Trang Hằng Yến Thu Nga Vân \
Hạnh Loan Nhung Dung Thủy Hiền Quỳnh Tú Sơn Cường Phúc Lộc Thành Vinh";
pub(super) const VIETNAMESE_FAMILY: &str = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ \
Hồ Ngô Dương Lý Đinh Trương Lâm Mai Tạ Cao Châu Lương Tô Quách Đoàn Vương Trịnh";

/// Chinese names in pinyin.
pub(super) const CHINESE_GIVEN: &str = "Wei Jing Xiu Hao Yan Ming Li Hua Jun Lei Yong Jie Tao \
Xiaoming Xiaohong Xiaoyan Jianguo Jianhua Guoqiang Zhiwei Zhiqiang Haiyan Hongmei Lijuan Xiuying \
Yuxuan Zihan Haoran Yichen Zimo Xinyi Yutong Shuang Mengyao Jiayi Siyu Ruoxi Junjie Wenjie Chenxi \
Dongmei Guiying Yulan Meiling Qiang Bo Feng Gang Peng Chao";
pub(super) const CHINESE_FAMILY: &str = "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma \
Zhu Hu Guo He Gao Lin Luo Zheng Liang Xie Song Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Pan \
Yuan Cai Jiang Yu Du Ye Cheng Wei Su Lu Ding Ren Shen Yao Lu";

/// English and Northern European given names; some carry a middle name.
pub(super) const NORTHERN_GIVEN: &str = "John James William Edward George Harry Oliver Jack Thomas \
Charles Henry Michael David Richard Robert Daniel Matthew Andrew Christopher Peter Paul Mark \
Stephen Patrick Sean Declan Ciarán Mary Elizabeth Jennifer Margaret Susan Emily Olivia Amelia \
Grace Jessica Sarah Emma Charlotte Sophie Hannah Lucy Rebecca Rachel Catherine Niamh Siobhán \
Jürgen Klaus Stefan Wolfgang Andreas Uwe Lukas Felix Maximilian Tobias Ursula Monika Petra \
Katrin Anke Jana Sabine Heike Søren Lars Björn Erik Nils Anders Åsa Ingrid Sigrid Astrid \
Øyvind Pieter Jan Willem Sanne Femke";

/// English and Northern European family names.
pub(super) const NORTHERN_FAMILY: &str = "Smith Johnson Williams Brown Jones Miller Davis Wilson \
Taylor Anderson Thompson White Harris Clark Lewis Walker Hall Young King Wright Green Baker Adams \
Hill Scott Evans Roberts Turner Phillips Campbell Parker Edwards Collins Stewart Morris Murphy \
Cook Rogers Morgan Cooper Peterson Bailey Reed Kelly Howard O'Brien O'Connor O'Neill Byrne Ryan \
Walsh Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch \
Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Jensen \
Nielsen Hansen Pedersen Andersen Larsen Johansson Karlsson Nilsson Eriksson Lindqvist Østergaard \
Ødegaard De_Jong Jansen De_Vries Van_den_Berg Van_Dijk Bakker Visser Smit Peeters Janssens Maes";
