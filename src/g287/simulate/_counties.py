"""County base names by state (US Census Bureau, PEP Vintage 2025; public domain).

Generated from ``county_population_v2025.csv``: one line per state code and up to ~90
characters of ``;``-separated names without their " County" (" Parish" in Louisiana)
suffix. Alaska, Connecticut and the District of Columbia (no counties with sheriffs) are
left out.
"""

from __future__ import annotations

_DATA = """\
AL Autauga;Baldwin;Barbour;Bibb;Blount;Bullock;Butler;Calhoun;Chambers;Cherokee;Chilton
AL Choctaw;Clarke;Clay;Cleburne;Coffee;Colbert;Conecuh;Coosa;Covington;Crenshaw;Cullman;Dale
AL Dallas;DeKalb;Elmore;Escambia;Etowah;Fayette;Franklin;Geneva;Greene;Hale;Henry;Houston
AL Jackson;Jefferson;Lamar;Lauderdale;Lawrence;Lee;Limestone;Lowndes;Macon;Madison;Marengo
AL Marion;Marshall;Mobile;Monroe;Montgomery;Morgan;Perry;Pickens;Pike;Randolph;Russell
AL St. Clair;Shelby;Sumter;Talladega;Tallapoosa;Tuscaloosa;Walker;Washington;Wilcox;Winston
AR Arkansas;Ashley;Baxter;Benton;Boone;Bradley;Calhoun;Carroll;Chicot;Clark;Clay;Cleburne
AR Cleveland;Columbia;Conway;Craighead;Crawford;Crittenden;Cross;Dallas;Desha;Drew;Faulkner
AR Franklin;Fulton;Garland;Grant;Greene;Hempstead;Hot Spring;Howard;Independence;Izard
AR Jackson;Jefferson;Johnson;Lafayette;Lawrence;Lee;Lincoln;Little River;Logan;Lonoke
AR Madison;Marion;Miller;Mississippi;Monroe;Montgomery;Nevada;Newton;Ouachita;Perry;Phillips
AR Pike;Poinsett;Polk;Pope;Prairie;Pulaski;Randolph;St. Francis;Saline;Scott;Searcy
AR Sebastian;Sevier;Sharp;Stone;Union;Van Buren;Washington;White;Woodruff;Yell
AZ Apache;Cochise;Coconino;Gila;Graham;Greenlee;La Paz;Maricopa;Mohave;Navajo;Pima;Pinal
AZ Santa Cruz;Yavapai;Yuma
CA Alameda;Alpine;Amador;Butte;Calaveras;Colusa;Contra Costa;Del Norte;El Dorado;Fresno
CA Glenn;Humboldt;Imperial;Inyo;Kern;Kings;Lake;Lassen;Los Angeles;Madera;Marin;Mariposa
CA Mendocino;Merced;Modoc;Mono;Monterey;Napa;Nevada;Orange;Placer;Plumas;Riverside
CA Sacramento;San Benito;San Bernardino;San Diego;San Francisco;San Joaquin;San Luis Obispo
CA San Mateo;Santa Barbara;Santa Clara;Santa Cruz;Shasta;Sierra;Siskiyou;Solano;Sonoma
CA Stanislaus;Sutter;Tehama;Trinity;Tulare;Tuolumne;Ventura;Yolo;Yuba
CO Adams;Alamosa;Arapahoe;Archuleta;Baca;Bent;Boulder;Broomfield;Chaffee;Cheyenne
CO Clear Creek;Conejos;Costilla;Crowley;Custer;Delta;Denver;Dolores;Douglas;Eagle;Elbert
CO El Paso;Fremont;Garfield;Gilpin;Grand;Gunnison;Hinsdale;Huerfano;Jackson;Jefferson;Kiowa
CO Kit Carson;Lake;La Plata;Larimer;Las Animas;Lincoln;Logan;Mesa;Mineral;Moffat;Montezuma
CO Montrose;Morgan;Otero;Ouray;Park;Phillips;Pitkin;Prowers;Pueblo;Rio Blanco;Rio Grande
CO Routt;Saguache;San Juan;San Miguel;Sedgwick;Summit;Teller;Washington;Weld;Yuma
DE Kent;New Castle;Sussex
FL Alachua;Baker;Bay;Bradford;Brevard;Broward;Calhoun;Charlotte;Citrus;Clay;Collier;Columbia
FL DeSoto;Dixie;Duval;Escambia;Flagler;Franklin;Gadsden;Gilchrist;Glades;Gulf;Hamilton
FL Hardee;Hendry;Hernando;Highlands;Hillsborough;Holmes;Indian River;Jackson;Jefferson
FL Lafayette;Lake;Lee;Leon;Levy;Liberty;Madison;Manatee;Marion;Martin;Miami-Dade;Monroe
FL Nassau;Okaloosa;Okeechobee;Orange;Osceola;Palm Beach;Pasco;Pinellas;Polk;Putnam;St. Johns
FL St. Lucie;Santa Rosa;Sarasota;Seminole;Sumter;Suwannee;Taylor;Union;Volusia;Wakulla
FL Walton;Washington
GA Appling;Atkinson;Bacon;Baker;Baldwin;Banks;Barrow;Bartow;Ben Hill;Berrien;Bibb;Bleckley
GA Brantley;Brooks;Bryan;Bulloch;Burke;Butts;Calhoun;Camden;Candler;Carroll;Catoosa;Charlton
GA Chatham;Chattahoochee;Chattooga;Cherokee;Clarke;Clay;Clayton;Clinch;Cobb;Coffee;Colquitt
GA Columbia;Cook;Coweta;Crawford;Crisp;Dade;Dawson;Decatur;DeKalb;Dodge;Dooly;Dougherty
GA Douglas;Early;Echols;Effingham;Elbert;Emanuel;Evans;Fannin;Fayette;Floyd;Forsyth;Franklin
GA Fulton;Gilmer;Glascock;Glynn;Gordon;Grady;Greene;Gwinnett;Habersham;Hall;Hancock;Haralson
GA Harris;Hart;Heard;Henry;Houston;Irwin;Jackson;Jasper;Jeff Davis;Jefferson;Jenkins;Johnson
GA Jones;Lamar;Lanier;Laurens;Lee;Liberty;Lincoln;Long;Lowndes;Lumpkin;McDuffie;McIntosh
GA Macon;Madison;Marion;Meriwether;Miller;Mitchell;Monroe;Montgomery;Morgan;Murray;Muscogee
GA Newton;Oconee;Oglethorpe;Paulding;Peach;Pickens;Pierce;Pike;Polk;Pulaski;Putnam;Quitman
GA Rabun;Randolph;Richmond;Rockdale;Schley;Screven;Seminole;Spalding;Stephens;Stewart;Sumter
GA Talbot;Taliaferro;Tattnall;Taylor;Telfair;Terrell;Thomas;Tift;Toombs;Towns;Treutlen;Troup
GA Turner;Twiggs;Union;Upson;Walker;Walton;Ware;Warren;Washington;Wayne;Webster;Wheeler
GA White;Whitfield;Wilcox;Wilkes;Wilkinson;Worth
HI Hawaii;Honolulu;Kalawao;Kauai;Maui
IA Adair;Adams;Allamakee;Appanoose;Audubon;Benton;Black Hawk;Boone;Bremer;Buchanan
IA Buena Vista;Butler;Calhoun;Carroll;Cass;Cedar;Cerro Gordo;Cherokee;Chickasaw;Clarke;Clay
IA Clayton;Clinton;Crawford;Dallas;Davis;Decatur;Delaware;Des Moines;Dickinson;Dubuque;Emmet
IA Fayette;Floyd;Franklin;Fremont;Greene;Grundy;Guthrie;Hamilton;Hancock;Hardin;Harrison
IA Henry;Howard;Humboldt;Ida;Iowa;Jackson;Jasper;Jefferson;Johnson;Jones;Keokuk;Kossuth;Lee
IA Linn;Louisa;Lucas;Lyon;Madison;Mahaska;Marion;Marshall;Mills;Mitchell;Monona;Monroe
IA Montgomery;Muscatine;O'Brien;Osceola;Page;Palo Alto;Plymouth;Pocahontas;Polk
IA Pottawattamie;Poweshiek;Ringgold;Sac;Scott;Shelby;Sioux;Story;Tama;Taylor;Union;Van Buren
IA Wapello;Warren;Washington;Wayne;Webster;Winnebago;Winneshiek;Woodbury;Worth;Wright
ID Ada;Adams;Bannock;Bear Lake;Benewah;Bingham;Blaine;Boise;Bonner;Bonneville;Boundary;Butte
ID Camas;Canyon;Caribou;Cassia;Clark;Clearwater;Custer;Elmore;Franklin;Fremont;Gem;Gooding
ID Idaho;Jefferson;Jerome;Kootenai;Latah;Lemhi;Lewis;Lincoln;Madison;Minidoka;Nez Perce
ID Oneida;Owyhee;Payette;Power;Shoshone;Teton;Twin Falls;Valley;Washington
IL Adams;Alexander;Bond;Boone;Brown;Bureau;Calhoun;Carroll;Cass;Champaign;Christian;Clark
IL Clay;Clinton;Coles;Cook;Crawford;Cumberland;DeKalb;De Witt;Douglas;DuPage;Edgar;Edwards
IL Effingham;Fayette;Ford;Franklin;Fulton;Gallatin;Greene;Grundy;Hamilton;Hancock;Hardin
IL Henderson;Henry;Iroquois;Jackson;Jasper;Jefferson;Jersey;Jo Daviess;Johnson;Kane;Kankakee
IL Kendall;Knox;Lake;LaSalle;Lawrence;Lee;Livingston;Logan;McDonough;McHenry;McLean;Macon
IL Macoupin;Madison;Marion;Marshall;Mason;Massac;Menard;Mercer;Monroe;Montgomery;Morgan
IL Moultrie;Ogle;Peoria;Perry;Piatt;Pike;Pope;Pulaski;Putnam;Randolph;Richland;Rock Island
IL St. Clair;Saline;Sangamon;Schuyler;Scott;Shelby;Stark;Stephenson;Tazewell;Union;Vermilion
IL Wabash;Warren;Washington;Wayne;White;Whiteside;Will;Williamson;Winnebago;Woodford
IN Adams;Allen;Bartholomew;Benton;Blackford;Boone;Brown;Carroll;Cass;Clark;Clay;Clinton
IN Crawford;Daviess;Dearborn;Decatur;DeKalb;Delaware;Dubois;Elkhart;Fayette;Floyd;Fountain
IN Franklin;Fulton;Gibson;Grant;Greene;Hamilton;Hancock;Harrison;Hendricks;Henry;Howard
IN Huntington;Jackson;Jasper;Jay;Jefferson;Jennings;Johnson;Knox;Kosciusko;LaGrange;Lake
IN LaPorte;Lawrence;Madison;Marion;Marshall;Martin;Miami;Monroe;Montgomery;Morgan;Newton
IN Noble;Ohio;Orange;Owen;Parke;Perry;Pike;Porter;Posey;Pulaski;Putnam;Randolph;Ripley;Rush
IN St. Joseph;Scott;Shelby;Spencer;Starke;Steuben;Sullivan;Switzerland;Tippecanoe;Tipton
IN Union;Vanderburgh;Vermillion;Vigo;Wabash;Warren;Warrick;Washington;Wayne;Wells;White
IN Whitley
KS Allen;Anderson;Atchison;Barber;Barton;Bourbon;Brown;Butler;Chase;Chautauqua;Cherokee
KS Cheyenne;Clark;Clay;Cloud;Coffey;Comanche;Cowley;Crawford;Decatur;Dickinson;Doniphan
KS Douglas;Edwards;Elk;Ellis;Ellsworth;Finney;Ford;Franklin;Geary;Gove;Graham;Grant;Gray
KS Greeley;Greenwood;Hamilton;Harper;Harvey;Haskell;Hodgeman;Jackson;Jefferson;Jewell
KS Johnson;Kearny;Kingman;Kiowa;Labette;Lane;Leavenworth;Lincoln;Linn;Logan;Lyon;McPherson
KS Marion;Marshall;Meade;Miami;Mitchell;Montgomery;Morris;Morton;Nemaha;Neosho;Ness;Norton
KS Osage;Osborne;Ottawa;Pawnee;Phillips;Pottawatomie;Pratt;Rawlins;Reno;Republic;Rice;Riley
KS Rooks;Rush;Russell;Saline;Scott;Sedgwick;Seward;Shawnee;Sheridan;Sherman;Smith;Stafford
KS Stanton;Stevens;Sumner;Thomas;Trego;Wabaunsee;Wallace;Washington;Wichita;Wilson;Woodson
KS Wyandotte
KY Adair;Allen;Anderson;Ballard;Barren;Bath;Bell;Boone;Bourbon;Boyd;Boyle;Bracken;Breathitt
KY Breckinridge;Bullitt;Butler;Caldwell;Calloway;Campbell;Carlisle;Carroll;Carter;Casey
KY Christian;Clark;Clay;Clinton;Crittenden;Cumberland;Daviess;Edmonson;Elliott;Estill
KY Fayette;Fleming;Floyd;Franklin;Fulton;Gallatin;Garrard;Grant;Graves;Grayson;Green;Greenup
KY Hancock;Hardin;Harlan;Harrison;Hart;Henderson;Henry;Hickman;Hopkins;Jackson;Jefferson
KY Jessamine;Johnson;Kenton;Knott;Knox;Larue;Laurel;Lawrence;Lee;Leslie;Letcher;Lewis
KY Lincoln;Livingston;Logan;Lyon;McCracken;McCreary;McLean;Madison;Magoffin;Marion;Marshall
KY Martin;Mason;Meade;Menifee;Mercer;Metcalfe;Monroe;Montgomery;Morgan;Muhlenberg;Nelson
KY Nicholas;Ohio;Oldham;Owen;Owsley;Pendleton;Perry;Pike;Powell;Pulaski;Robertson;Rockcastle
KY Rowan;Russell;Scott;Shelby;Simpson;Spencer;Taylor;Todd;Trigg;Trimble;Union;Warren
KY Washington;Wayne;Webster;Whitley;Wolfe;Woodford
LA Acadia;Allen;Ascension;Assumption;Avoyelles;Beauregard;Bienville;Bossier;Caddo;Calcasieu
LA Caldwell;Cameron;Catahoula;Claiborne;Concordia;De Soto;East Baton Rouge;East Carroll
LA East Feliciana;Evangeline;Franklin;Grant;Iberia;Iberville;Jackson;Jefferson
LA Jefferson Davis;Lafayette;Lafourche;LaSalle;Lincoln;Livingston;Madison;Morehouse
LA Natchitoches;Orleans;Ouachita;Plaquemines;Pointe Coupee;Rapides;Red River;Richland;Sabine
LA St. Bernard;St. Charles;St. Helena;St. James;St. John the Baptist;St. Landry;St. Martin
LA St. Mary;St. Tammany;Tangipahoa;Tensas;Terrebonne;Union;Vermilion;Vernon;Washington
LA Webster;West Baton Rouge;West Carroll;West Feliciana;Winn
MA Barnstable;Berkshire;Bristol;Dukes;Essex;Franklin;Hampden;Hampshire;Middlesex;Nantucket
MA Norfolk;Plymouth;Suffolk;Worcester
MD Allegany;Anne Arundel;Baltimore;Calvert;Caroline;Carroll;Cecil;Charles;Dorchester
MD Frederick;Garrett;Harford;Howard;Kent;Montgomery;Prince George's;Queen Anne's;St. Mary's
MD Somerset;Talbot;Washington;Wicomico;Worcester
ME Androscoggin;Aroostook;Cumberland;Franklin;Hancock;Kennebec;Knox;Lincoln;Oxford;Penobscot
ME Piscataquis;Sagadahoc;Somerset;Waldo;Washington;York
MI Alcona;Alger;Allegan;Alpena;Antrim;Arenac;Baraga;Barry;Bay;Benzie;Berrien;Branch;Calhoun
MI Cass;Charlevoix;Cheboygan;Chippewa;Clare;Clinton;Crawford;Delta;Dickinson;Eaton;Emmet
MI Genesee;Gladwin;Gogebic;Grand Traverse;Gratiot;Hillsdale;Houghton;Huron;Ingham;Ionia
MI Iosco;Iron;Isabella;Jackson;Kalamazoo;Kalkaska;Kent;Keweenaw;Lake;Lapeer;Leelanau;Lenawee
MI Livingston;Luce;Mackinac;Macomb;Manistee;Marquette;Mason;Mecosta;Menominee;Midland
MI Missaukee;Monroe;Montcalm;Montmorency;Muskegon;Newaygo;Oakland;Oceana;Ogemaw;Ontonagon
MI Osceola;Oscoda;Otsego;Ottawa;Presque Isle;Roscommon;Saginaw;St. Clair;St. Joseph;Sanilac
MI Schoolcraft;Shiawassee;Tuscola;Van Buren;Washtenaw;Wayne;Wexford
MN Aitkin;Anoka;Becker;Beltrami;Benton;Big Stone;Blue Earth;Brown;Carlton;Carver;Cass
MN Chippewa;Chisago;Clay;Clearwater;Cook;Cottonwood;Crow Wing;Dakota;Dodge;Douglas;Faribault
MN Fillmore;Freeborn;Goodhue;Grant;Hennepin;Houston;Hubbard;Isanti;Itasca;Jackson;Kanabec
MN Kandiyohi;Kittson;Koochiching;Lac qui Parle;Lake;Lake of the Woods;Le Sueur;Lincoln;Lyon
MN McLeod;Mahnomen;Marshall;Martin;Meeker;Mille Lacs;Morrison;Mower;Murray;Nicollet;Nobles
MN Norman;Olmsted;Otter Tail;Pennington;Pine;Pipestone;Polk;Pope;Ramsey;Red Lake;Redwood
MN Renville;Rice;Rock;Roseau;St. Louis;Scott;Sherburne;Sibley;Stearns;Steele;Stevens;Swift
MN Todd;Traverse;Wabasha;Wadena;Waseca;Washington;Watonwan;Wilkin;Winona;Wright
MN Yellow Medicine
MO Adair;Andrew;Atchison;Audrain;Barry;Barton;Bates;Benton;Bollinger;Boone;Buchanan;Butler
MO Caldwell;Callaway;Camden;Cape Girardeau;Carroll;Carter;Cass;Cedar;Chariton;Christian
MO Clark;Clay;Clinton;Cole;Cooper;Crawford;Dade;Dallas;Daviess;DeKalb;Dent;Douglas;Dunklin
MO Franklin;Gasconade;Gentry;Greene;Grundy;Harrison;Henry;Hickory;Holt;Howard;Howell;Iron
MO Jackson;Jasper;Jefferson;Johnson;Knox;Laclede;Lafayette;Lawrence;Lewis;Lincoln;Linn
MO Livingston;McDonald;Macon;Madison;Maries;Marion;Mercer;Miller;Mississippi;Moniteau;Monroe
MO Montgomery;Morgan;New Madrid;Newton;Nodaway;Oregon;Osage;Ozark;Pemiscot;Perry;Pettis
MO Phelps;Pike;Platte;Polk;Pulaski;Putnam;Ralls;Randolph;Ray;Reynolds;Ripley;St. Charles
MO St. Clair;Ste. Genevieve;St. Francois;St. Louis;Saline;Schuyler;Scotland;Scott;Shannon
MO Shelby;Stoddard;Stone;Sullivan;Taney;Texas;Vernon;Warren;Washington;Wayne;Webster;Worth
MO Wright
MS Adams;Alcorn;Amite;Attala;Benton;Bolivar;Calhoun;Carroll;Chickasaw;Choctaw;Claiborne
MS Clarke;Clay;Coahoma;Copiah;Covington;DeSoto;Forrest;Franklin;George;Greene;Grenada
MS Hancock;Harrison;Hinds;Holmes;Humphreys;Issaquena;Itawamba;Jackson;Jasper;Jefferson
MS Jefferson Davis;Jones;Kemper;Lafayette;Lamar;Lauderdale;Lawrence;Leake;Lee;Leflore
MS Lincoln;Lowndes;Madison;Marion;Marshall;Monroe;Montgomery;Neshoba;Newton;Noxubee
MS Oktibbeha;Panola;Pearl River;Perry;Pike;Pontotoc;Prentiss;Quitman;Rankin;Scott;Sharkey
MS Simpson;Smith;Stone;Sunflower;Tallahatchie;Tate;Tippah;Tishomingo;Tunica;Union;Walthall
MS Warren;Washington;Wayne;Webster;Wilkinson;Winston;Yalobusha;Yazoo
MT Beaverhead;Big Horn;Blaine;Broadwater;Carbon;Carter;Cascade;Chouteau;Custer;Daniels
MT Dawson;Deer Lodge;Fallon;Fergus;Flathead;Gallatin;Garfield;Glacier;Golden Valley;Granite
MT Hill;Jefferson;Judith Basin;Lake;Lewis and Clark;Liberty;Lincoln;McCone;Madison;Meagher
MT Mineral;Missoula;Musselshell;Park;Petroleum;Phillips;Pondera;Powder River;Powell;Prairie
MT Ravalli;Richland;Roosevelt;Rosebud;Sanders;Sheridan;Silver Bow;Stillwater;Sweet Grass
MT Teton;Toole;Treasure;Valley;Wheatland;Wibaux;Yellowstone
NC Alamance;Alexander;Alleghany;Anson;Ashe;Avery;Beaufort;Bertie;Bladen;Brunswick;Buncombe
NC Burke;Cabarrus;Caldwell;Camden;Carteret;Caswell;Catawba;Chatham;Cherokee;Chowan;Clay
NC Cleveland;Columbus;Craven;Cumberland;Currituck;Dare;Davidson;Davie;Duplin;Durham
NC Edgecombe;Forsyth;Franklin;Gaston;Gates;Graham;Granville;Greene;Guilford;Halifax;Harnett
NC Haywood;Henderson;Hertford;Hoke;Hyde;Iredell;Jackson;Johnston;Jones;Lee;Lenoir;Lincoln
NC McDowell;Macon;Madison;Martin;Mecklenburg;Mitchell;Montgomery;Moore;Nash;New Hanover
NC Northampton;Onslow;Orange;Pamlico;Pasquotank;Pender;Perquimans;Person;Pitt;Polk;Randolph
NC Richmond;Robeson;Rockingham;Rowan;Rutherford;Sampson;Scotland;Stanly;Stokes;Surry;Swain
NC Transylvania;Tyrrell;Union;Vance;Wake;Warren;Washington;Watauga;Wayne;Wilkes;Wilson
NC Yadkin;Yancey
ND Adams;Barnes;Benson;Billings;Bottineau;Bowman;Burke;Burleigh;Cass;Cavalier;Dickey;Divide
ND Dunn;Eddy;Emmons;Foster;Golden Valley;Grand Forks;Grant;Griggs;Hettinger;Kidder;LaMoure
ND Logan;McHenry;McIntosh;McKenzie;McLean;Mercer;Morton;Mountrail;Nelson;Oliver;Pembina
ND Pierce;Ramsey;Ransom;Renville;Richland;Rolette;Sargent;Sheridan;Sioux;Slope;Stark;Steele
ND Stutsman;Towner;Traill;Walsh;Ward;Wells;Williams
NE Adams;Antelope;Arthur;Banner;Blaine;Boone;Box Butte;Boyd;Brown;Buffalo;Burt;Butler;Cass
NE Cedar;Chase;Cherry;Cheyenne;Clay;Colfax;Cuming;Custer;Dakota;Dawes;Dawson;Deuel;Dixon
NE Dodge;Douglas;Dundy;Fillmore;Franklin;Frontier;Furnas;Gage;Garden;Garfield;Gosper;Grant
NE Greeley;Hall;Hamilton;Harlan;Hayes;Hitchcock;Holt;Hooker;Howard;Jefferson;Johnson;Kearney
NE Keith;Keya Paha;Kimball;Knox;Lancaster;Lincoln;Logan;Loup;McPherson;Madison;Merrick
NE Morrill;Nance;Nemaha;Nuckolls;Otoe;Pawnee;Perkins;Phelps;Pierce;Platte;Polk;Red Willow
NE Richardson;Rock;Saline;Sarpy;Saunders;Scotts Bluff;Seward;Sheridan;Sherman;Sioux;Stanton
NE Thayer;Thomas;Thurston;Valley;Washington;Wayne;Webster;Wheeler;York
NH Belknap;Carroll;Cheshire;Coos;Grafton;Hillsborough;Merrimack;Rockingham;Strafford
NH Sullivan
NJ Atlantic;Bergen;Burlington;Camden;Cape May;Cumberland;Essex;Gloucester;Hudson;Hunterdon
NJ Mercer;Middlesex;Monmouth;Morris;Ocean;Passaic;Salem;Somerset;Sussex;Union;Warren
NM Bernalillo;Catron;Chaves;Cibola;Colfax;Curry;De Baca;Doña Ana;Eddy;Grant;Guadalupe
NM Harding;Hidalgo;Lea;Lincoln;Los Alamos;Luna;McKinley;Mora;Otero;Quay;Rio Arriba;Roosevelt
NM Sandoval;San Juan;San Miguel;Santa Fe;Sierra;Socorro;Taos;Torrance;Union;Valencia
NV Churchill;Clark;Douglas;Elko;Esmeralda;Eureka;Humboldt;Lander;Lincoln;Lyon;Mineral;Nye
NV Pershing;Storey;Washoe;White Pine
NY Albany;Allegany;Bronx;Broome;Cattaraugus;Cayuga;Chautauqua;Chemung;Chenango;Clinton
NY Columbia;Cortland;Delaware;Dutchess;Erie;Essex;Franklin;Fulton;Genesee;Greene;Hamilton
NY Herkimer;Jefferson;Kings;Lewis;Livingston;Madison;Monroe;Montgomery;Nassau;New York
NY Niagara;Oneida;Onondaga;Ontario;Orange;Orleans;Oswego;Otsego;Putnam;Queens;Rensselaer
NY Richmond;Rockland;St. Lawrence;Saratoga;Schenectady;Schoharie;Schuyler;Seneca;Steuben
NY Suffolk;Sullivan;Tioga;Tompkins;Ulster;Warren;Washington;Wayne;Westchester;Wyoming;Yates
OH Adams;Allen;Ashland;Ashtabula;Athens;Auglaize;Belmont;Brown;Butler;Carroll;Champaign
OH Clark;Clermont;Clinton;Columbiana;Coshocton;Crawford;Cuyahoga;Darke;Defiance;Delaware
OH Erie;Fairfield;Fayette;Franklin;Fulton;Gallia;Geauga;Greene;Guernsey;Hamilton;Hancock
OH Hardin;Harrison;Henry;Highland;Hocking;Holmes;Huron;Jackson;Jefferson;Knox;Lake;Lawrence
OH Licking;Logan;Lorain;Lucas;Madison;Mahoning;Marion;Medina;Meigs;Mercer;Miami;Monroe
OH Montgomery;Morgan;Morrow;Muskingum;Noble;Ottawa;Paulding;Perry;Pickaway;Pike;Portage
OH Preble;Putnam;Richland;Ross;Sandusky;Scioto;Seneca;Shelby;Stark;Summit;Trumbull
OH Tuscarawas;Union;Van Wert;Vinton;Warren;Washington;Wayne;Williams;Wood;Wyandot
OK Adair;Alfalfa;Atoka;Beaver;Beckham;Blaine;Bryan;Caddo;Canadian;Carter;Cherokee;Choctaw
OK Cimarron;Cleveland;Coal;Comanche;Cotton;Craig;Creek;Custer;Delaware;Dewey;Ellis;Garfield
OK Garvin;Grady;Grant;Greer;Harmon;Harper;Haskell;Hughes;Jackson;Jefferson;Johnston;Kay
OK Kingfisher;Kiowa;Latimer;Le Flore;Lincoln;Logan;Love;McClain;McCurtain;McIntosh;Major
OK Marshall;Mayes;Murray;Muskogee;Noble;Nowata;Okfuskee;Oklahoma;Okmulgee;Osage;Ottawa
OK Pawnee;Payne;Pittsburg;Pontotoc;Pottawatomie;Pushmataha;Roger Mills;Rogers;Seminole
OK Sequoyah;Stephens;Texas;Tillman;Tulsa;Wagoner;Washington;Washita;Woods;Woodward
OR Baker;Benton;Clackamas;Clatsop;Columbia;Coos;Crook;Curry;Deschutes;Douglas;Gilliam;Grant
OR Harney;Hood River;Jackson;Jefferson;Josephine;Klamath;Lake;Lane;Lincoln;Linn;Malheur
OR Marion;Morrow;Multnomah;Polk;Sherman;Tillamook;Umatilla;Union;Wallowa;Wasco;Washington
OR Wheeler;Yamhill
PA Adams;Allegheny;Armstrong;Beaver;Bedford;Berks;Blair;Bradford;Bucks;Butler;Cambria
PA Cameron;Carbon;Centre;Chester;Clarion;Clearfield;Clinton;Columbia;Crawford;Cumberland
PA Dauphin;Delaware;Elk;Erie;Fayette;Forest;Franklin;Fulton;Greene;Huntingdon;Indiana
PA Jefferson;Juniata;Lackawanna;Lancaster;Lawrence;Lebanon;Lehigh;Luzerne;Lycoming;McKean
PA Mercer;Mifflin;Monroe;Montgomery;Montour;Northampton;Northumberland;Perry;Philadelphia
PA Pike;Potter;Schuylkill;Snyder;Somerset;Sullivan;Susquehanna;Tioga;Union;Venango;Warren
PA Washington;Wayne;Westmoreland;Wyoming;York
RI Bristol;Kent;Newport;Providence;Washington
SC Abbeville;Aiken;Allendale;Anderson;Bamberg;Barnwell;Beaufort;Berkeley;Calhoun;Charleston
SC Cherokee;Chester;Chesterfield;Clarendon;Colleton;Darlington;Dillon;Dorchester;Edgefield
SC Fairfield;Florence;Georgetown;Greenville;Greenwood;Hampton;Horry;Jasper;Kershaw;Lancaster
SC Laurens;Lee;Lexington;McCormick;Marion;Marlboro;Newberry;Oconee;Orangeburg;Pickens
SC Richland;Saluda;Spartanburg;Sumter;Union;Williamsburg;York
SD Aurora;Beadle;Bennett;Bon Homme;Brookings;Brown;Brule;Buffalo;Butte;Campbell;Charles Mix
SD Clark;Clay;Codington;Corson;Custer;Davison;Day;Deuel;Dewey;Douglas;Edmunds;Fall River
SD Faulk;Grant;Gregory;Haakon;Hamlin;Hand;Hanson;Harding;Hughes;Hutchinson;Hyde;Jackson
SD Jerauld;Jones;Kingsbury;Lake;Lawrence;Lincoln;Lyman;McCook;McPherson;Marshall;Meade
SD Mellette;Miner;Minnehaha;Moody;Oglala Lakota;Pennington;Perkins;Potter;Roberts;Sanborn
SD Spink;Stanley;Sully;Todd;Tripp;Turner;Union;Walworth;Yankton;Ziebach
TN Anderson;Bedford;Benton;Bledsoe;Blount;Bradley;Campbell;Cannon;Carroll;Carter;Cheatham
TN Chester;Claiborne;Clay;Cocke;Coffee;Crockett;Cumberland;Davidson;Decatur;DeKalb;Dickson
TN Dyer;Fayette;Fentress;Franklin;Gibson;Giles;Grainger;Greene;Grundy;Hamblen;Hamilton
TN Hancock;Hardeman;Hardin;Hawkins;Haywood;Henderson;Henry;Hickman;Houston;Humphreys;Jackson
TN Jefferson;Johnson;Knox;Lake;Lauderdale;Lawrence;Lewis;Lincoln;Loudon;McMinn;McNairy;Macon
TN Madison;Marion;Marshall;Maury;Meigs;Monroe;Montgomery;Moore;Morgan;Obion;Overton;Perry
TN Pickett;Polk;Putnam;Rhea;Roane;Robertson;Rutherford;Scott;Sequatchie;Sevier;Shelby;Smith
TN Stewart;Sullivan;Sumner;Tipton;Trousdale;Unicoi;Union;Van Buren;Warren;Washington;Wayne
TN Weakley;White;Williamson;Wilson
TX Anderson;Andrews;Angelina;Aransas;Archer;Armstrong;Atascosa;Austin;Bailey;Bandera;Bastrop
TX Baylor;Bee;Bell;Bexar;Blanco;Borden;Bosque;Bowie;Brazoria;Brazos;Brewster;Briscoe;Brooks
TX Brown;Burleson;Burnet;Caldwell;Calhoun;Callahan;Cameron;Camp;Carson;Cass;Castro;Chambers
TX Cherokee;Childress;Clay;Cochran;Coke;Coleman;Collin;Collingsworth;Colorado;Comal;Comanche
TX Concho;Cooke;Coryell;Cottle;Crane;Crockett;Crosby;Culberson;Dallam;Dallas;Dawson
TX Deaf Smith;Delta;Denton;DeWitt;Dickens;Dimmit;Donley;Duval;Eastland;Ector;Edwards;Ellis
TX El Paso;Erath;Falls;Fannin;Fayette;Fisher;Floyd;Foard;Fort Bend;Franklin;Freestone;Frio
TX Gaines;Galveston;Garza;Gillespie;Glasscock;Goliad;Gonzales;Gray;Grayson;Gregg;Grimes
TX Guadalupe;Hale;Hall;Hamilton;Hansford;Hardeman;Hardin;Harris;Harrison;Hartley;Haskell
TX Hays;Hemphill;Henderson;Hidalgo;Hill;Hockley;Hood;Hopkins;Houston;Howard;Hudspeth;Hunt
TX Hutchinson;Irion;Jack;Jackson;Jasper;Jeff Davis;Jefferson;Jim Hogg;Jim Wells;Johnson
TX Jones;Karnes;Kaufman;Kendall;Kenedy;Kent;Kerr;Kimble;King;Kinney;Kleberg;Knox;Lamar;Lamb
TX Lampasas;La Salle;Lavaca;Lee;Leon;Liberty;Limestone;Lipscomb;Live Oak;Llano;Loving
TX Lubbock;Lynn;McCulloch;McLennan;McMullen;Madison;Marion;Martin;Mason;Matagorda;Maverick
TX Medina;Menard;Midland;Milam;Mills;Mitchell;Montague;Montgomery;Moore;Morris;Motley
TX Nacogdoches;Navarro;Newton;Nolan;Nueces;Ochiltree;Oldham;Orange;Palo Pinto;Panola;Parker
TX Parmer;Pecos;Polk;Potter;Presidio;Rains;Randall;Reagan;Real;Red River;Reeves;Refugio
TX Roberts;Robertson;Rockwall;Runnels;Rusk;Sabine;San Augustine;San Jacinto;San Patricio
TX San Saba;Schleicher;Scurry;Shackelford;Shelby;Sherman;Smith;Somervell;Starr;Stephens
TX Sterling;Stonewall;Sutton;Swisher;Tarrant;Taylor;Terrell;Terry;Throckmorton;Titus
TX Tom Green;Travis;Trinity;Tyler;Upshur;Upton;Uvalde;Val Verde;Van Zandt;Victoria;Walker
TX Waller;Ward;Washington;Webb;Wharton;Wheeler;Wichita;Wilbarger;Willacy;Williamson;Wilson
TX Winkler;Wise;Wood;Yoakum;Young;Zapata;Zavala
UT Beaver;Box Elder;Cache;Carbon;Daggett;Davis;Duchesne;Emery;Garfield;Grand;Iron;Juab;Kane
UT Millard;Morgan;Piute;Rich;Salt Lake;San Juan;Sanpete;Sevier;Summit;Tooele;Uintah;Utah
UT Wasatch;Washington;Wayne;Weber
VA Accomack;Albemarle;Alleghany;Amelia;Amherst;Appomattox;Arlington;Augusta;Bath;Bedford
VA Bland;Botetourt;Brunswick;Buchanan;Buckingham;Campbell;Caroline;Carroll;Charles City
VA Charlotte;Chesterfield;Clarke;Craig;Culpeper;Cumberland;Dickenson;Dinwiddie;Essex;Fairfax
VA Fauquier;Floyd;Fluvanna;Franklin;Frederick;Giles;Gloucester;Goochland;Grayson;Greene
VA Greensville;Halifax;Hanover;Henrico;Henry;Highland;Isle of Wight;James City
VA King and Queen;King George;King William;Lancaster;Lee;Loudoun;Louisa;Lunenburg;Madison
VA Mathews;Mecklenburg;Middlesex;Montgomery;Nelson;New Kent;Northampton;Northumberland
VA Nottoway;Orange;Page;Patrick;Pittsylvania;Powhatan;Prince Edward;Prince George
VA Prince William;Pulaski;Rappahannock;Richmond;Roanoke;Rockbridge;Rockingham;Russell;Scott
VA Shenandoah;Smyth;Southampton;Spotsylvania;Stafford;Surry;Sussex;Tazewell;Warren
VA Washington;Westmoreland;Wise;Wythe;York
VT Addison;Bennington;Caledonia;Chittenden;Essex;Franklin;Grand Isle;Lamoille;Orange;Orleans
VT Rutland;Washington;Windham;Windsor
WA Adams;Asotin;Benton;Chelan;Clallam;Clark;Columbia;Cowlitz;Douglas;Ferry;Franklin;Garfield
WA Grant;Grays Harbor;Island;Jefferson;King;Kitsap;Kittitas;Klickitat;Lewis;Lincoln;Mason
WA Okanogan;Pacific;Pend Oreille;Pierce;San Juan;Skagit;Skamania;Snohomish;Spokane;Stevens
WA Thurston;Wahkiakum;Walla Walla;Whatcom;Whitman;Yakima
WI Adams;Ashland;Barron;Bayfield;Brown;Buffalo;Burnett;Calumet;Chippewa;Clark;Columbia
WI Crawford;Dane;Dodge;Door;Douglas;Dunn;Eau Claire;Florence;Fond du Lac;Forest;Grant;Green
WI Green Lake;Iowa;Iron;Jackson;Jefferson;Juneau;Kenosha;Kewaunee;La Crosse;Lafayette
WI Langlade;Lincoln;Manitowoc;Marathon;Marinette;Marquette;Menominee;Milwaukee;Monroe;Oconto
WI Oneida;Outagamie;Ozaukee;Pepin;Pierce;Polk;Portage;Price;Racine;Richland;Rock;Rusk
WI St. Croix;Sauk;Sawyer;Shawano;Sheboygan;Taylor;Trempealeau;Vernon;Vilas;Walworth;Washburn
WI Washington;Waukesha;Waupaca;Waushara;Winnebago;Wood
WV Barbour;Berkeley;Boone;Braxton;Brooke;Cabell;Calhoun;Clay;Doddridge;Fayette;Gilmer;Grant
WV Greenbrier;Hampshire;Hancock;Hardy;Harrison;Jackson;Jefferson;Kanawha;Lewis;Lincoln;Logan
WV McDowell;Marion;Marshall;Mason;Mercer;Mineral;Mingo;Monongalia;Monroe;Morgan;Nicholas
WV Ohio;Pendleton;Pleasants;Pocahontas;Preston;Putnam;Raleigh;Randolph;Ritchie;Roane;Summers
WV Taylor;Tucker;Tyler;Upshur;Wayne;Webster;Wetzel;Wirt;Wood;Wyoming
WY Albany;Big Horn;Campbell;Carbon;Converse;Crook;Fremont;Goshen;Hot Springs;Johnson;Laramie
WY Lincoln;Natrona;Niobrara;Park;Platte;Sheridan;Sublette;Sweetwater;Teton;Uinta;Washakie
WY Weston
"""


def _parse() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for line in _DATA.splitlines():
        if not line.strip():
            continue
        state, _, names = line.partition(" ")
        out.setdefault(state, []).extend(n for n in names.split(";") if n)
    return {state: tuple(names) for state, names in out.items()}


COUNTIES: dict[str, tuple[str, ...]] = _parse()
