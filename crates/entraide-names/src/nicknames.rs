//! Short forms and nicknames of given names, and the same name across languages, as groups:
//! any member found for a query word brings in the other members of its groups. Lowercase
//! ASCII, as `normalize::words` gives them. Facts about names, kept as data.

pub(crate) const GROUPS: &[&[&str]] = &[
    // French
    &[
        "alexandre",
        "alex",
        "sacha",
        "sasha",
        "alexander",
        "alessandro",
        "alejandro",
        "aleksandr",
        "alexis",
    ],
    &[
        "alexandra",
        "alex",
        "sandra",
        "sacha",
        "sasha",
        "alessandra",
        "aleksandra",
    ],
    &[
        "antoine", "toine", "tonio", "anthony", "tony", "antonio", "anton", "antoni",
    ],
    &["benjamin", "ben", "benji"],
    &["bernard", "nanard", "bernardo"],
    &[
        "catherine",
        "cathy",
        "kathy",
        "katherine",
        "kate",
        "katie",
        "caterina",
        "katarina",
        "ekaterina",
        "katia",
        "katya",
        "cat",
    ],
    &[
        "charles", "charlie", "charly", "carlos", "carlo", "karl", "carl",
    ],
    &["christophe", "chris", "christopher", "cristobal", "kristof"],
    &["christine", "chris", "christina", "kristina", "tina"],
    &["claude", "claudio", "claudia"],
    &["daniel", "dan", "dany", "danny", "dani"],
    &["dominique", "dom", "domi"],
    &["edouard", "eddy", "eddie", "edward", "ed", "ted", "eduardo"],
    &[
        "elisabeth",
        "elizabeth",
        "babeth",
        "liz",
        "lisa",
        "liza",
        "beth",
        "betty",
        "isabel",
        "elisa",
        "elise",
    ],
    &["emmanuel", "manu", "manuel", "manolo", "immanuel"],
    &["emmanuelle", "manue", "manuela"],
    &["florence", "flo"],
    &["florian", "flo"],
    &[
        "francois",
        "franck",
        "francis",
        "francesco",
        "francisco",
        "paco",
        "franz",
        "frank",
    ],
    &["francoise", "fanfan", "francesca", "francisca"],
    &[
        "frederic",
        "fred",
        "freddy",
        "frederick",
        "federico",
        "friedrich",
    ],
    &["gabriel", "gabi", "gaby", "gabriele"],
    &[
        "guillaume",
        "william",
        "will",
        "bill",
        "billy",
        "willy",
        "guillermo",
        "guglielmo",
        "wilhelm",
        "liam",
    ],
    &["henri", "henry", "harry", "enrique", "enrico", "heinrich"],
    &["isabelle", "isa", "isabel", "isabella", "bella"],
    &[
        "jacques", "jacky", "jaime", "giacomo", "jakob", "jacob", "james", "jim", "jimmy", "diego",
        "santiago",
    ],
    &[
        "jean", "john", "johnny", "jack", "juan", "giovanni", "gianni", "johann", "johannes",
        "hans", "jan", "ivan", "ioannis", "yannis", "sean", "evan", "ian",
    ],
    &[
        "jeanne", "jane", "jenny", "juana", "giovanna", "johanna", "ivana", "joan",
    ],
    &[
        "joseph", "jo", "jojo", "joe", "jose", "pepe", "giuseppe", "peppe", "josef", "iosif",
        "youssef", "yusuf",
    ],
    &["julien", "julian", "juju", "julio", "giulio"],
    &["laurent", "lorenzo", "lawrence", "larry", "lorenz"],
    &["louis", "loulou", "luis", "luigi", "ludwig", "lewis", "lou"],
    &[
        "margaux",
        "margot",
        "marguerite",
        "margaret",
        "maggie",
        "peggy",
        "meg",
        "margherita",
        "margarita",
        "rita",
    ],
    &[
        "marie", "maria", "mary", "mariya", "masha", "marija", "maryam", "mariam", "myriam",
        "miriam", "maryse",
    ],
    &[
        "mathieu", "matthieu", "matthew", "matt", "matteo", "mateo", "mateus", "matthias", "matvei",
    ],
    &[
        "maxime",
        "max",
        "maximilien",
        "maximilian",
        "massimo",
        "maksim",
        "maxim",
    ],
    &[
        "michel", "michael", "mike", "mickey", "mick", "miguel", "michele", "mikhail", "misha",
        "mikail",
    ],
    &[
        "nicolas", "nico", "nick", "nicholas", "nicola", "nikolai", "kolya", "nikos", "klaus",
    ],
    &["olivier", "olive", "oliver", "ollie", "oliviero"],
    &["patrick", "pat", "patrice", "paddy", "patricio"],
    &["philippe", "phil", "philip", "felipe", "filippo", "filip"],
    &[
        "pierre", "pierrot", "peter", "pete", "pedro", "pietro", "piotr", "petr", "pyotr", "petros",
    ],
    &["robert", "bob", "bobby", "rob", "robbie", "roberto"],
    &["sebastien", "seb", "sebastian", "sebastiano"],
    &[
        "stephane", "steph", "stephen", "steve", "steven", "stefan", "stefano", "esteban", "stepan",
    ],
    &["stephanie", "steph", "fanny"],
    &["thomas", "tom", "tommy", "tomas", "tommaso", "foma"],
    &["valentin", "val", "valentino"],
    &["vincent", "vince", "vincenzo", "vicente"],
    &["virginie", "ginie", "virginia", "ginny"],
    // English and others
    &[
        "richard", "rick", "ricky", "dick", "rich", "riccardo", "ricardo",
    ],
    &["edmund", "ed", "ned"],
    &[
        "anne", "anna", "annie", "ann", "hannah", "anya", "ania", "nancy",
    ],
    &[
        "susan", "susanne", "suzanne", "sue", "suzy", "susana", "zuzana",
    ],
    &["theodore", "theo", "ted", "teddy", "fedor", "fyodor"],
    &["dmitri", "dmitry", "dima", "dimitri", "dimitris"],
    &["natalia", "natasha", "natalie", "nathalie", "nata"],
    &["tatiana", "tanya", "tania", "tatyana"],
    &["svetlana", "sveta", "lana"],
    &[
        "vladimir",
        "vova",
        "volodya",
        "volodymyr",
        "wladimir",
        "wlodzimierz",
    ],
    &["yekaterina", "ekaterina", "katya", "katia", "katerina"],
    &[
        "evgeny", "evgeni", "yevgeny", "zhenya", "eugene", "eugenio", "eugen",
    ],
    &["sergei", "sergey", "seryozha", "serge", "sergio"],
    &[
        "mohamed", "mohammed", "muhammad", "mohammad", "mehmet", "hamid", "momo", "hamoudi",
    ],
    &["abdelkader", "kader"],
    &["abderrahmane", "abdou"],
    &["fatima", "fatma", "fatou", "fatoumata"],
    &[
        "georges", "george", "georgios", "giorgos", "jorge", "giorgio", "yuri", "jurgen",
    ],
    &[
        "helene", "helena", "elena", "yelena", "lena", "eleni", "ellen", "ilona",
    ],
    &["ekaterini", "katerina"],
    &[
        "konstantinos",
        "kostas",
        "constantin",
        "konstantin",
        "kostya",
    ],
    &["panagiotis", "panos", "takis"],
    &["athanasios", "thanasis", "thanos"],
    &["dimitrios", "dimitris", "mimis"],
    &["vasileios", "vasilis", "basile", "vasily", "vasili"],
];

#[cfg(test)]
mod tests {
    use super::GROUPS;

    #[test]
    fn groups_are_normalised_words() {
        for group in GROUPS {
            assert!(group.len() >= 2, "{group:?}");
            for word in *group {
                assert_eq!(
                    crate::normalize::words(word, false),
                    [*word],
                    "{word} is not a normalised word"
                );
            }
        }
    }
}
