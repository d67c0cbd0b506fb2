package main

import "strings"

// Hand-curated lists. Facts (brand ownership, eponym spellings) as generally
// known in 2025; edit here and re-run dictgen.

type company struct {
	name    string // canonical, lower-case
	parent  string // canonical parent, or ""
	aliases []string
}

type brandRow struct {
	brand  string
	makers []string
}

type applicantRule struct{ contains, maker string }

// parseLines splits a block of "a|b|c" lines, skipping blanks and // comments.
func parseLines(block string) [][]string {
	var out [][]string
	for _, l := range strings.Split(block, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "//") {
			continue
		}
		parts := strings.Split(l, "|")
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		out = append(out, parts)
	}
	return out
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

var curatedCompanies = func() []company {
	var cs []company
	for _, p := range parseLines(companiesBlock) {
		c := company{name: p[0]}
		if len(p) > 1 {
			c.parent = p[1]
		}
		if len(p) > 2 {
			c.aliases = splitList(p[2])
		}
		cs = append(cs, c)
	}
	return cs
}()

var curatedBrands = func() []brandRow {
	var bs []brandRow
	for _, p := range parseLines(brandsBlock) {
		if len(p) < 2 {
			continue
		}
		for _, b := range splitList(p[0]) {
			bs = append(bs, brandRow{brand: b, makers: splitList(p[1])})
		}
	}
	return bs
}()

var applicantRules = func() []applicantRule {
	var rs []applicantRule
	for _, p := range parseLines(applicantBlock) {
		if len(p) == 2 {
			rs = append(rs, applicantRule{p[0], p[1]})
		}
	}
	return rs
}()

var curatedDrugs = func() []string {
	var ds []string
	for _, p := range parseLines(drugsBlock) {
		ds = append(ds, splitList(p[0])...)
	}
	return ds
}()

var curatedEponyms = func() []string {
	var es []string
	for _, p := range parseLines(eponymsBlock) {
		es = append(es, splitList(p[0])...)
	}
	return es
}()

// canonical | parent | aliases (;-separated, any case)
const companiesBlock = `
abbvie||abbvie inc
allergan|abbvie|allergan aesthetics;allergan plc;allergan inc
pharmacyclics|abbvie|
pfizer||pfizer inc;pfizer laboratories;pfizer labs
wyeth|pfizer|wyeth pharmaceuticals
hospira|pfizer|
arena pharmaceuticals|pfizer|arena
biohaven|pfizer|biohaven pharmaceuticals
seagen|pfizer|seattle genetics
johnson & johnson||j&j;jnj;johnson and johnson;johnson & johnson inc;janssen;janssen pharmaceuticals;janssen biotech;janssen research;janssen pharmaceutica;j&j innovative medicine;johnson & johnson innovative medicine
ethicon|johnson & johnson|
depuy synthes|johnson & johnson|depuy;synthes
biosense webster|johnson & johnson|
abiomed|johnson & johnson|
shockwave medical|johnson & johnson|shockwave
kenvue||kenvue inc;johnson & johnson consumer;j&j consumer;mcneil;mcneil consumer healthcare
bristol myers squibb||bms;bristol-myers squibb;bristol myers;bristol-myers squibb company;bristol myers squibb co
celgene|bristol myers squibb|
merck||merck & co;merck sharp & dohme;msd;merck sharp dohme
organon||
eli lilly||lilly;eli lilly and company;eli lilly & co
novo nordisk||novo;novo nordisk inc;novo nordisk a/s
sanofi||sanofi-aventis;sanofi aventis;sanofi pasteur;sanofi us;genzyme
regeneron||regeneron pharmaceuticals
astrazeneca||az;astra zeneca;astrazeneca pharmaceuticals
alexion|astrazeneca|
gsk||glaxosmithkline;glaxo smithkline;glaxo;viiv healthcare
haleon||gsk consumer healthcare;glaxosmithkline consumer healthcare;pfizer consumer healthcare
novartis||novartis pharmaceuticals
sandoz||
roche||hoffmann-la roche;f hoffmann-la roche;hoffmann la roche;roche diagnostics
genentech|roche|
amgen||
horizon therapeutics|amgen|horizon
gilead||gilead sciences
biogen||
vertex||vertex pharmaceuticals
takeda||takeda pharmaceuticals;shire
boehringer ingelheim||boehringer;bi
bayer||bayer healthcare;bayer ag;bayer consumer health
teva||teva pharmaceuticals;teva pharmaceutical industries
viatris||mylan;upjohn
otsuka||otsuka america pharmaceutical
lundbeck||
astellas||astellas pharma
daiichi sankyo||daiichi
eisai||
ucb||ucb pharma
jazz pharmaceuticals||jazz
neurocrine||neurocrine biosciences
intra-cellular therapies|johnson & johnson|intra cellular therapies;itci
alkermes||
supernus||supernus pharmaceuticals
indivior||
emergent biosolutions||emergent
bausch health||bausch health companies;valeant
bausch + lomb|bausch health|bausch & lomb;bausch and lomb;bausch lomb
galderma||galderma laboratories
l'oréal||l'oreal;loreal;l oreal;l'oréal groupe
procter & gamble||p&g;procter and gamble;procter & gamble co
colgate-palmolive||colgate;colgate palmolive
unilever||
reckitt||reckitt benckiser;rb
church & dwight||church and dwight
beiersdorf||
edgewell||edgewell personal care
perrigo||
prestige consumer healthcare||prestige brands
abbott||abbott laboratories;abbott diabetes care
dexcom||dexcom inc
insulet||insulet corporation
tandem diabetes care||tandem;tandem diabetes
medtronic||medtronic plc;medtronic diabetes;minimed
boston scientific||boston sci;bsci;boston scientific corporation
stryker||stryker corporation
zimmer biomet||zimmer;biomet;zimmer biomet holdings
smith & nephew||smith and nephew;smith+nephew
intuitive surgical||intuitive
hologic||
becton dickinson||bd;becton, dickinson;becton dickinson and company
baxter||baxter international;baxter healthcare
edwards lifesciences||edwards
philips||royal philips;koninklijke philips;philips healthcare;philips respironics
ge healthcare||ge;general electric;ge healthtechnologies;ge healthcare technologies;gehc
siemens healthineers||siemens
resmed||
masimo||
align technology||align;align tech
dentsply sirona||dentsply;sirona
envista||nobel biocare;envista holdings
straumann||straumann group
3m||3m company;solventum
solventum||3m health care
henry schein||
ivoclar||ivoclar vivadent
haleon consumer|haleon|
apple||apple inc
oura||oura health;oura ring
therabody||theragun
peloton||peloton interactive
whoop||
fitbit|google|
google||alphabet
samsung||samsung electronics
garmin||
withings||
swedish match|philip morris international|
philip morris international||pmi;philip morris
altria||
juul||juul labs
goodrx||goodrx holdings
hims & hers||hims;hers;hims and hers
ro||roman;ro health
teladoc||teladoc health
amazon||amazon pharmacy;one medical;amazon one medical
cvs health||cvs;cvs pharmacy;aetna;minuteclinic
walgreens||walgreens boots alliance
noom||
calibrate||
cerebral||
talkspace||
betterhelp|teladoc|
lemonaid|23andme|
23andme||
zocdoc||
doximity||
mdlive|cigna|
cigna||the cigna group;evernorth
unitedhealth group||unitedhealthcare;optum;uhc
nestlé health science|nestlé|nestle health science
nestlé||nestle;nestlé sa;gerber
mead johnson|reckitt|mead johnson nutrition
kimberly-clark||kimberly clark
kenvue consumer|kenvue|
merz||merz aesthetics
revance||revance therapeutics
evolus||
sinclair||
cynosure||
candela||
solta medical|bausch health|solta
inmode||
cutera||
sientra||
mentor|johnson & johnson|mentor worldwide
establishment labs||motiva
galderma aesthetics|galderma|
supergoop||
la roche-posay|l'oréal|la roche posay
cerave|l'oréal|
vichy|l'oréal|
skinceuticals|l'oréal|
olaplex||
hydrafacial||beauty health;the beauty health company
zyto||
ortho clinical|quidel|
quidel||quidelortho
exact sciences||
grail||
illumina|
natera||
guardant health||guardant
myriad genetics||myriad
labcorp||laboratory corporation of america
quest diagnostics||quest
masimo consumer|masimo|
omron||omron healthcare
embecta||
ypsomed||
senseonics||
beta bionics||
sequel med tech||sequel
conmed||
arthrex||
globus medical||globus;nuvasive
orthofix||
exactech||
djo|enovis|
enovis||
integra lifesciences||integra
teleflex||
cardinal health||
mckesson||
owens & minor||halyard
hill-rom|baxter|hillrom;hill rom
getinge||maquet
olympus||
karl storz||storz
fujifilm||
canon medical||canon
invisalign|align technology|
smiledirectclub||smile direct club
byte|dentsply sirona|
candid||
sonendo||
biolase||
ultradent||
kerr|envista|
septodont||
waterpik|church & dwight|
quip||
hello products|colgate-palmolive|
tom's of maine|colgate-palmolive|toms of maine
lumineux||
glaxosmithkline vaccines|gsk|
moderna||modernatx
biontech||
novavax||
csl||csl seqirus;seqirus;csl behring
dynavax||
valneva||
bavarian nordic||
merck kgaa||emd serono;emd
ipsen||
incyte||
biomarin||
alnylam||
ionis||
sarepta||
ultragenyx||
axsome||axsome therapeutics
sage therapeutics||sage
acadia||acadia pharmaceuticals
idorsia||
harmony biosciences||harmony
avadel||
corcept||
madrigal||madrigal pharmaceuticals
arcutis||
dermavant|organon|
incyte dermatology|incyte|
leo pharma||leo
almirall||
sun pharma||sun pharmaceutical;sun pharmaceutical industries;taro
dr. reddy's||dr reddys;dr reddy's laboratories
cipla||
lupin||
aurobindo||aurobindo pharma
zydus||zydus pharmaceuticals;cadila
glenmark||
hikma||west-ward;west ward
amneal||
fresenius kabi||fresenius
fresenius medical care||
b. braun||b braun;braun medical
ascensia||ascensia diabetes care
lifescan||
hugel||
btl||btl aesthetics;btl industries
mycovia||mycovia pharmaceuticals
geron||
sofwave||
// consumer health, fitness and emergency-device makers
zoll medical|asahi kasei|zoll;zoll medical corporation
asahi kasei||asahi kasei corporation
hyperice||hyperice inc
deckers brands||deckers;deckers outdoor;deckers outdoor corporation
owlet||owlet baby care;owlet inc
nanit||nanit inc
crocs||crocs inc
figs||figs inc
on holding||on running;on ag
vuori||vuori inc
athletic greens||ag1
headspace||headspace health
calm||calm.com
nurx|thirty madison|nurx inc
thirty madison||thirty madison inc
// 2025 additions: device, optical, hearing, nutrition and consumer-health makers
physio-control|stryker|physio control;physio-control inc
vocera|stryker|vocera communications
wright medical|stryker|wright medical group;tornier
inari medical|stryker|
axonics|boston scientific|axonics inc
silk road medical|boston scientific|
paragon 28|zimmer biomet|
c.r. bard|becton dickinson|cr bard;c. r. bard;bard medical;bard access systems;bd bard
welch allyn|hill-rom|
vantive||vantive kidney care;baxter kidney care
varian medical systems|siemens healthineers|
alcon||alcon inc;alcon vision;alcon laboratories;alcon research
johnson & johnson vision|johnson & johnson|j&j vision;jnj vision;johnson & johnson vision care;jjvision
cooper companies||the cooper companies;coopervision;coopersurgical
essilorluxottica||essilor luxottica;essilor;luxottica;essilor of america;luxottica group
sonova||sonova group;phonak;advanced bionics
demant||demant a/s;oticon
ws audiology||widex;ws audiology a/s
gn store nord||gn hearing;gn resound;resound;jabra
starkey hearing technologies||starkey hearing
pharmavite|otsuka|nature made
simply good foods||the simply good foods company;quest nutrition
bellring brands||bellring;premier protein
coca-cola||the coca-cola company;coca cola;fairlife
pepsico||pepsico inc
opella||opella healthcare;sanofi consumer healthcare
suave brands company||suave brands
dsm-firmenich||dsm;royal dsm;dsm firmenich
i-health|dsm-firmenich|i-health inc
biocodex||
pierre fabre||pierre fabre laboratories;laboratoires pierre fabre
naos||naos group
shiseido||shiseido company
pharmaceutical specialties||pharmaceutical specialties inc
obagi||obagi medical;obagi cosmeceuticals
nutrafol|unilever|
laerdal||laerdal medical
alivecor||alivecor inc
butterfly network||
eko health||eko devices
kaleo||kaléo
ars pharmaceuticals||ars pharma
helen of troy||helen of troy limited
sunstar||sunstar americas
den-mat||denmat;den-mat holdings
verona pharma|merck|
ormco|envista|
thorne healthtech||thorne research
inspire medical systems||inspire medical
tarsus pharmaceuticals||tarsus
vericel||vericel corporation
implant direct|envista|
`

// brand(s ;-separated) | maker(s ;-separated, canonical or alias)
const brandsBlock = `
// AbbVie / Allergan
humira;rinvoq;skyrizi;venclexta;mavyret;synthroid;linzess;ubrelvy;qulipta;vraylar;lupron;lupron depot;creon;elahere;duopa;vyalev;androgel|abbvie
imbruvica|pharmacyclics;johnson & johnson
botox;botox cosmetic;juvéderm;juvederm;voluma;vollure;volbella;kybella;coolsculpting;latisse;skinvive;natrelle;skinmedica;alloderm;restasis;ozurdex;lumigan;vuity;xen gel stent|allergan
// Pfizer
eliquis|bristol myers squibb;pfizer
prevnar;prevnar 20;paxlovid;comirnaty;abrysvo;ibrance;xeljanz;vyndaqel;vyndamax;nurtec;nurtec odt;zavzpret;lipitor;viagra;chantix;premarin;zoloft;norvasc;lyrica;celebrex;xalkori;inlyta;padcev;adcetris;tukysa;oxbryta;cibinqo;litfulo;velsipity;genotropin;ngenla;trumenba;bicillin;zithromax;medrol;depo-provera;depo-medrol;sutent;bosulif;lorbrena;talzenna|pfizer
// J&J / Janssen
stelara;tremfya;darzalex;darzalex faspro;erleada;zytiga;xarelto;invega;invega sustenna;invega trinza;invega hafyera;spravato;simponi;simponi aria;remicade;rybrevant;carvykti;tecvayli;talvey;balversa;opsumit;uptravi;concerta;risperdal|janssen
caplyta|intra-cellular therapies
ethicon;monocryl;vicryl;dermabond;prolene|ethicon
acuvue|johnson & johnson
impella|abiomed
// Kenvue
tylenol;motrin;listerine;neutrogena;aveeno;band-aid;zyrtec;benadryl;imodium;pepcid;sudafed;rogaine;visine;clean & clear;johnson's baby;desitin;lubriderm;neosporin;polysporin;calpol;lactaid|kenvue
// BMS
opdivo;opdualag;yervoy;revlimid;pomalyst;sprycel;orencia;zeposia;camzyos;sotyktu;cobenfy;breyanzi;abecma;krazati;reblozyl|bristol myers squibb
// Merck
keytruda;gardasil;gardasil 9;januvia;janumet;winrevair;capvaxive;vaxneuvance;pneumovax;pneumovax 23;mmr ii;proquad;varivax;zostavax;rotateq;isentress;bridion;lynparza;lenvima;welireg;verquvo;prevymis;belsomra;singulair;zetia;vytorin|merck
nexplanon;nuvaring;follistim|organon
// Lilly
mounjaro;zepbound;trulicity;humalog;basaglar;lyumjev;jardiance;verzenio;taltz;olumiant;emgality;kisunla;ebglyss;omvoh;cialis;forteo;cymbalta;prozac;zyprexa;jaypirca;retevmo;baqsimi;glucagon emergency kit|eli lilly
jardiance;synjardy;glyxambi;trijardy;ofev;spiriva;combivent;tradjenta;gilotrif;pradaxa;micardis;flomax|boehringer ingelheim
// Novo Nordisk
ozempic;wegovy;rybelsus;victoza;saxenda;novolog;novolin;tresiba;levemir;fiasp;xultophy;norditropin;sogroya;novoseven;alhemo|novo nordisk
// Sanofi, Regeneron
dupixent|sanofi;regeneron
kevzara;praluent;libtayo;eylea;eylea hd;evkeeza;veopoz|regeneron
beyfortus|sanofi;astrazeneca
lantus;toujeo;admelog;apidra;soliqua;plavix;aubagio;lovenox;ambien;flublok;fluzone;adacel;daptacel;pentacel;vaxelis;menquadfi;tzield;sarclisa;rezurock;altuviiio;cablivi;xenpozyme;nexviazyme;cerdelga;cerezyme;fabrazyme|sanofi
// AstraZeneca
farxiga;tagrisso;imfinzi;lynparza;calquence;enhertu;brilinta;symbicort;breztri;fasenra;tezspire;saphnelo;airsupra;crestor;nexium;seroquel;bydureon;soliris;ultomiris;strensiq;koselugo;truqap;datroway;flumist|astrazeneca
// GSK
shingrix;arexvy;bexsero;penmenvy;boostrix;infanrix;pediarix;havrix;engerix-b;twinrix;fluarix;rotarix;menveo;trelegy;trelegy ellipta;breo;breo ellipta;anoro;incruse;advair;ventolin;nucala;benlysta;jemperli;zejula;ojjaara;blenrep;cabenuva;apretude;dovato;triumeq;juluca;tivicay;rukobia;wellbutrin;lamictal|gsk
// Haleon
sensodyne;advil;tums;centrum;emergen-c;voltaren;voltaren arthritis pain;theraflu;robitussin;excedrin;flonase;nexium 24hr;polident;poligrip;parodontax;aquafresh;biotene;preparation h;alavert;caltrate;abreva|haleon
// Novartis / Sandoz
entresto;cosentyx;kesimpta;kisqali;leqvio;zolgensma;pluvicto;lutathera;scemblix;fabhalta;xolair;tafinlar;mekinist;jakavi;gilenya;mayzent;promacta;tabrecta;piqray;diovan;lucentis;beovu|novartis
hyrimoz;zarxio;ziextenzo;omnitrope|sandoz
// Roche / Genentech
ocrevus;hemlibra;tecentriq;perjeta;herceptin;kadcyla;phesgo;avastin;rituxan;evrysdi;enspryng;xofluza;tamiflu;vabysmo;susvimo;polivy;columvi;lunsumio;xolair;actemra;esbriet;itovebi|genentech
accu-chek;cobas|roche
// Amgen
repatha;prolia;evenity;xgeva;enbrel;otezla;aimovig;tezspire;neulasta;neupogen;aranesp;epogen;blincyto;lumakras;imdelltra;tepezza;krystexxa;uplizna|amgen
// Gilead, Vertex, Biogen, others
biktarvy;descovy;truvada;genvoya;odefsey;sunlenca;yeztugo;veklury;epclusa;harvoni;sovaldi;vemlidy;trodelvy;yescarta;tecartus;livdelzi|gilead
trikafta;kalydeco;symdeko;orkambi;alyftrek;journavx;casgevy|vertex
leqembi|eisai;biogen
tecfidera;vumerity;tysabri;spinraza;skyclarys;zurzuvae;qalsody|biogen
ingrezza|neurocrine
austedo;ajovy;copaxone;uzedy;proair;qvar|teva
epipen;epipen jr;yupelri;wixela;dymista|viatris
abilify;abilify maintena;abilify asimtufii;rexulti;samsca;jynarque|otsuka
trintellix;vyepti|lundbeck
xywav;xyrem;epidiolex;rylaze;zepzelca|jazz pharmaceuticals
vivitrol;lybalvi;aristada|alkermes
qelbree;gocovri|supernus
sublocade;suboxone;brixadi|indivior
narcan|emergent biosolutions
vyvanse;entyvio;trintellix;adderall xr;takhzyro;alunbrig;fruzaqla;qdenga|takeda
auvelity;sunosi;symbravo|axsome
nuplazid;daybue|acadia
wakix|harmony biosciences
lumryz|avadel
korlym|corcept
rezdiffra|madrigal
vtama|dermavant
zoryve|arcutis
opzelura;jakafi|incyte
adbry;anzupgo|leo pharma
xifaxan;trulance;relistor|bausch health
lumify;biotrue;renu;ocuvite;preservision|bausch + lomb
|
// Consumer dermatology / personal care
cerave;la roche-posay;la roche posay;vichy;skinceuticals;kiehl's;garnier;maybelline;lancôme;lancome|l'oréal
cetaphil;differin;dysport;restylane;sculptra;alastin;relfydess;benzac|galderma
crest;oral-b;oral b;pepto-bismol;pepto bismol;metamucil;vicks;nyquil;dayquil;zzzquil;prilosec otc;olay;pampers;align probiotic;head & shoulders;gillette|procter & gamble
colgate;tom's of maine;elmex;meridol;hello toothpaste;pca skin;eltamd;filorga;hill's|colgate-palmolive
dove;vaseline;pond's;lipton|unilever
mucinex;lysol;durex;k-y;airborne;clearasil;scholl;nurofen;strepsils;gaviscon;enfamil;nutramigen|reckitt
arm & hammer;waterpik;batiste;trojan;therabreath;hero mighty patch;oxiclean;zicam;vitafusion;orajel;nair|church & dwight
nivea;eucerin;aquaphor;coppertone|beiersdorf
banana boat;hawaiian tropic;schick;wet ones|edgewell
monistat;dramamine;clear eyes;summer's eve;debrox;compound w;luden's;boudreaux's butt paste|prestige consumer healthcare
claritin;afrin;coricidin;miralax;one a day;aleve;bayer aspirin;midol;alka-seltzer;phillips';citracal;bepanthen;lotrimin;tinactin;mirena;kyleena;skyla iud;yaz;xarelto;kerendia;nubeqa;eylea|bayer
// Nutrition
similac;pedialyte;ensure;glucerna|abbott
gerber;boost;nutren;peptamen;garden of life;pure encapsulations;nature's bounty|nestlé
// Diabetes devices
dexcom g7;dexcom g6;dexcom;stelo;dexcom stelo;dexcom one|dexcom
freestyle libre;freestyle libre 2;freestyle libre 3;libre;mitraclip;navitor;triclip;aveir;heartmate 3;xience;binaxnow;i-stat;alinity;id now;panbio|abbott
omnipod;omnipod 5;omnipod dash|insulet
refresh tears;refresh optive|allergan
ro body program|ro
candid aligners|candid
t:slim;t:slim x2;tslim;tandem mobi;control-iq|tandem diabetes care
minimed;minimed 780g;guardian 4;simplera;micra;adapta;inceptiv;o-arm;stealthstation;in.pact;resolute onyx;evolut;harmony tpv;linq ii;reveal linq;pillcam;puritan bennett;nellcor;covidien;ligasure;signia|medtronic
accu-chek guide|roche
contour next|ascensia
onetouch;onetouch verio|lifescan
eversense|senseonics
ilet|beta bionics
twiist|sequel med tech
bd veo;bd nano;bd ultra-fine;ultra-fine|embecta
alaris;bd vacutainer;vacutainer;pyxis;bd venflon;chloraprep|becton dickinson
// Cardiology / EP / neuro devices
watchman;watchman flx;farapulse;wavewriter;vercise;spectra wavewriter;boston scientific;rezum;spaceoar;axios;emblem s-icd;lux-dx;agent drug-coated balloon;eluvia;acurate|boston scientific
sapien;sapien 3;evoque;pascal precision;pascal system;pascal repair system;hemosphere;inspiris|edwards lifesciences
carto;varipulse;thermocool|biosense webster
// Orthopedics / surgery
mako;mako smartrobotics;triathlon;stryker;lifepak;t2 nail;gamma nail;mobius|stryker
persona knee;rosa knee;rosa robotic system;oxford knee;nexgen;taperloc;g7 acetabular;zimmer|zimmer biomet
journey ii;cori robot;cori robotic;cori robotics;cori surgical system;cori system;cori knee;cori-assisted;allevyn;regeneten|smith & nephew
attune;corail;pinnacle;velys;sigma knee|depuy synthes
da vinci;da vinci xi;da vinci 5;da vinci sp;ion endoluminal|intuitive surgical
excelsius;excelsiusgps|globus medical
nanoknife;arthrex synergy;swivelock;internal brace|arthrex
// Women's health / imaging / diagnostics
genius 3d;3dimensions;selenia;novasure;myosure;acessa;thinprep;aptima|hologic
cologuard;oncotype dx;oncodefend|exact sciences
galleri|grail
panorama;signatera;horizon carrier screen|natera
guardant360;shield blood test|guardant health
myriad myrisk;genesight;foresight|myriad genetics
// Respiratory / sleep
dreamstation;sonicare;philips sonicare;norelco;avent;philips avent;respironics|philips
airsense;airsense 11;airfit;airmini;airtouch|resmed
masimo w1;rad-97;set pulse oximetry|masimo
// Dental
invisalign;itero;itero element;exocad;vivera|align technology
primescan;cerec;suresmile;astra tech;byte aligners;calamus;wave one|dentsply sirona
nobel biocare;nobelactive;kerr dental;spark aligners;dexis|envista
straumann;clearcorrect;neodent|straumann
smiledirectclub|smiledirectclub
candid aligners|candid
opalescence;ultradent|ultradent
ips e.max;e.max;tetric|ivoclar
gentlewave|sonendo
waterlase|biolase
filtek;clinpro;vanish varnish;littmann;3m littmann;tegaderm;coban;steri-strip;bair hugger;v.a.c.;prevena|solventum
quip toothbrush|quip
// Aesthetics
xeomin;belotero;radiesse;ultherapy|merz
daxxify;rha collection;rha|revance
jeuveau;evolus estyme|evolus
letybo|hugel
|sofwave
emsculpt;emsculpt neo;emsella;emface;emsella chair|btl
morpheus8|inmode
thermage;fraxel;clear + brilliant;clear and brilliant|solta medical
picosure;tempsure;sculpsure|cynosure
gentlemax pro;vbeam|candela
sientra|sientra
motiva implants|establishment labs
mentor memorygel|mentor
hydrafacial|hydrafacial
// Wearables / consumer
apple watch;airpods pro;iphone|apple
oura ring;oura|oura
theragun;therabody;wave roller;theraface|therabody
peloton;peloton bike;peloton tread|peloton
whoop;whoop strap|whoop
fitbit|fitbit
galaxy watch;samsung health|samsung
garmin|garmin
withings|withings
omron;omron evolv|omron
zyn|swedish match
iqos|philip morris international
juul|juul
marlboro|altria
|altria
// Telehealth, pharmacy, apps
goodrx;goodrx gold|goodrx
hims;forhims;forhers|hims & hers
roman health;ro body program|ro
teladoc;livongo;betterhelp|teladoc
amazon pharmacy;one medical;pillpack|amazon
minuteclinic;cvs caremark|cvs health
noom;noom med|noom
calibrate|calibrate
cerebral|cerebral
talkspace|talkspace
lemonaid|lemonaid
zocdoc|zocdoc
doximity|doximity
mdlive|mdlive
optum rx;optum|unitedhealth group
// Vaccines and biologics (others)
spikevax;mnexspike;mresvia|moderna
nuvaxovid|novavax
flucelvax;fluad;afluria;hizentra;privigen|csl
heplisav-b;heplisav|dynavax
ixchiq;ixiaro|valneva
jynneos;vivotif|bavarian nordic
dysport|ipsen
mavenclad;bavencio;gonal-f|merck kgaa
vivjoa|mycovia
// Generic-makers' brands
ajovy|teva
ozurdex|allergan
opvee|indivior
rytelo|geron
// consumer health, fitness and emergency devices
zoll aed plus;zoll aed 3;zoll x series;zoll r series;lifevest;autopulse|zoll medical
hypervolt;normatec;venom back|hyperice
hoka;hoka one one;ugg;teva;hoka bondi;hoka clifton|deckers brands
owlet dream sock;owlet smart sock;dream sock|owlet
nanit pro|nanit
optic white;colgate optic white;colgate total;total sf|colgate-palmolive
rosa robot;rosa robotic knee;rosa knee system|zimmer biomet
// 2025 additions. Brands that are also first names or surnames (Lucas,
// Sage, Hugo, Oakley, Kendall, Damon, Olly, Murad, Atkins, Thorne,
// Starkey, Mazor, Roman, Amia, Skyla, Cori, Pascal, Kerr, Shiley, Centrella, Labello, Orgain, Owyn)
// only in multiword forms: a bare one would hide a patient's name
// (wordNameScore scores brands 0). Common words (hum, lingo, align,
// infuse, gum, pico, riptide, enroute, transitions) likewise.
// Stryker
lucas 3.1;lucas device;lucas devices;lucas cpr;lucas machine;lucas chest compression;lucas chest compression system;lucas chest compression device;lifenet;lifepak 15;lifepak 35;lifepak cr2;lifepak 1000;prevalon;flowtriever;clottriever;spy-phi;sonopet;power-pro;power-load;stair-pro;mako total knee;insignia hip;gamma4;t2 alpha|stryker
vocera;vocera badge|vocera
// Medtronic
hugo ras;hugo robotic system;infuse bone graft;kyphon;mazor x;mazor robot;arctic front;pulseselect;affera;sphere-9;aurora ev-icd;symplicity spyral;endurant;intellis;percept pc;inpen;simplera sync;micra av;sonicision;v-loc;valleylab;shiley trach;shiley tracheostomy;guardian connect;solitaire x;pipeline flex|medtronic
// Boston Scientific
spyglass;wallflex;lithovue;faraview;opal hdx;agent dcb;vercise genus;orbera;overstitch;intracept|boston scientific
axonics r20;axonics f15;axonics sacral neuromodulation|axonics
enroute stent;enroute transcarotid|silk road medical
// Abbott
pediasure;elecare;zoneperfect;juven;protality;abbott lingo;lingo biosensor;lingo cgm;freestyle precision;freestyle lite;freestyle libre 3 plus;diamondback 360;amplatzer;amplatzer amulet;tendyne;ensite;heartmate;cardiomems;tactiflex;proclaim xr;assert-iq|abbott
// Zimmer Biomet, Smith+Nephew, Intuitive
persona iq;mymobility;vanguard knee;avenir complete;identity shoulder;oxford partial knee|zimmer biomet
renasys;santyl;acticoat;pico 7;pico 14;pico npwt;legion knee;anthology hip;healicoil;q-fix|smith & nephew
sureform;endowrist;ion robotic bronchoscopy;ion system|intuitive surgical
// Philips, ResMed, Hologic, GE HealthCare, Siemens Healthineers
heartstart;heartstart frx;intellivue;azurion;epiq;affiniti;philips lumify;dreamwear;dreamwisp;dreammapper;diamondclean;trilogy evo;oneblade|philips
resmed myair;airview;narval|resmed
brevera;biozorb;panther fusion;genius ai|hologic
vscan;vscan air;logiq;voluson;omnipaque;visipaque;optison;vizamyl;carescape;senographe|ge healthcare
acuson;somatom;magnetom;atellica;naeotom alpha;syngo;mammomat|siemens healthineers
truebeam;varian ethos;varian halcyon|varian medical systems
// BD / Bard, Baxter / Hillrom, Vantive, Cardinal, Masimo
nexiva;bd nexiva;veritor;bd veritor;posiflush;bd max;bd insyte;surgiphor|becton dickinson
purewick;powerport;powerpicc;site-rite;lutonix|c.r. bard
novum iq;spectrum iq;floseal;tisseel;clinimix;mini-bag plus|baxter
centrella bed;centrella smart+;progressa;voalte|hill-rom
connex;macroview;panoptic|welch allyn
prismax;prismaflex;homechoice;homechoice claria;sharesource|vantive
protexis;kangaroo epump;kangaroo joey;curity;monoject|cardinal health
sedline;radius-7;radius vsm;rad-g;masimo set|masimo
// Dental
protaper;waveone;cavitron;orthophos;axeos;nupro;aquasil;ankylos;primeprint;ds core|dentsply sirona
damon system;damon ultima;damon clear|ormco
optibond;sonicfill;herculite;nobelparallel;nobelreplace;spark clear aligners|envista
cavilon;durapore;transpore;ioban;relyx;scotchbond;clarity aligners;veraflo;promogran;3m tegaderm|solventum
dentrix;dentrix ascend;henry schein one;easy dental|henry schein
hum by colgate;colgate hum;hum smart toothbrush;hum toothbrush;prevident;colgate prevident;duraphat;peroxyl|colgate-palmolive
soft-picks;sunstar gum;gum soft-picks|sunstar
lumineers|den-mat
// Consumer health
pronamel;sensodyne pronamel;otrivin;panadol;benefiber;nicoderm cq|haleon
nicorette;nicoderm|kenvue;haleon
nicotinell|dr. reddy's
chapstick|suave brands company
zarbee's;zarbees;bengay;rhinocort;ogx;reactine;hydro boost|kenvue
fixodent;tampax;pepto;crest pro-health;vicks vaporub;nervive;first aid beauty|procter & gamble
allegra;xyzal;icyhot;gold bond;dulcolax;nasacort|sanofi;opella
braun thermoscan;thermoscan|helen of troy
culturelle|i-health
florastor|biocodex
// Eye care
miebo;xiidra;vyzulta;lotemax;alaway;soothe xp;peroxiclear;stellaris elite;crystalens|bausch + lomb
systane;dailies;dailies total1;total30;precision1;air optix;opti-free;pataday;rocklatan;rhopressa;tryptyr;panoptix;vivity;clareon;acrysof;centurion vision system;lensx;ngenuity;wavelight|alcon
tecnis;tecnis symfony;blink tears;catalys|johnson & johnson vision
myday lenses;myday contacts;biofinity;misight;clariti;proclear;avaira;paragard|cooper companies
varilux;crizal;transitions lenses;transitions lens;transitions gen s;transitions xtractive;transitions signature;transitions optical;ray-ban;ray ban;rayban;ray-bans;ray-ban meta;oakley meta;oakley sunglasses;oakley frames;oakley glasses;persol;eyezen;stellest;lenscrafters;sunglass hut;eyemed;nuance audio;xperio|essilorluxottica
// Hearing
phonak|sonova
oticon|demant
widex|ws audiology
jabra enhance|gn store nord
starkey hearing aids;starkey genesis;starkey evolv|starkey hearing technologies
// Skincare
lipikar;anthelios;effaclar;toleriane;cicaplast;mineral 89;dermablend;skinbetter;skinbetter science;youth to the people;it cosmetics;biotherm|l'oréal
nemluvio;soolantra;epiduo;aklief;oracea;mirvaso|galderma
hansaplast|beiersdorf
nutrafol|nutrafol
liquid iv;onnit;dermalogica;paula's choice;olly vitamins;olly gummies|unilever
sun bum|edgewell
drunk elephant|shiseido
avène;avene;eau thermale avène|pierre fabre
bioderma|naos
vanicream|pharmaceutical specialties
obagi nu-derm;nu-derm|obagi
supergoop|supergoop
// Fitness and wearables
recoveryair;smartgoggles;powerdot|therabody
hypersphere|hyperice
precor;peloton row;peloton guide|peloton
// Supplements and nutrition
vital proteins;solgar;orgain protein;orgain shake;nuun;optifast;carnation breakfast essentials;thickenup;puritan's pride;compleat|nestlé health science
nature made;revaree;relizen|pharmavite
quest nutrition;quest bar;quest bars;quest protein bar;quest chips;owyn protein;owyn shake;atkins bar;atkins shake|simply good foods
premier protein;dymatize|bellring brands
fairlife;bodyarmor;powerade;smartwater|coca-cola
gatorade|pepsico
ag1;athletic greens|athletic greens
thorne basic nutrients;thorne creatine;thorne supplements;thorne vitamins|thorne healthtech
inspire therapy;inspire implant;inspire sleep apnea;inspire device|inspire medical systems
xdemvy|tarsus pharmaceuticals
epicel;nexobrid|vericel
comfort shield;sage comfort shield;sage 2-in-1|stryker
// Pharma
humulin;alimta;cyramza;strattera;evista;inluriyo;tirzepatide|eli lilly
effient|eli lilly;daiichi sankyo
ryzodeg;awiqli;semaglutide|novo nordisk
qfitlia;wayrilz|sanofi
blujepa;priorix;kinrix|gsk
enflonsia|merck
ohtuvayre|verona pharma
lokelma;imjudo|astrazeneca
wainua|astrazeneca;ionis
tavneos;amjevita;pavblu;wezlana;kyprolis;vectibix;nplate;parsabiv;sensipar;corlanor|amgen
adempas;stivarga;lynkuet;canesten;berocca;elevit;redoxon|bayer
jentadueto;stiolto;atrovent;hernexeos;spevigo|boehringer ingelheim
lynozyfic|regeneron
// Emergency and bedside devices
auvi-q;auviq|kaleo
neffy|ars pharmaceuticals
resusci anne;qcpr;simman|laerdal
kardiamobile;kardia|alivecor
butterfly iq;butterfly iq3|butterfly network
eko core;eko duo;eko core 500|eko health
`

// Orange Book applicant legal names containing a word sequence → canonical maker.
const applicantBlock = `
pfizer|pfizer
wyeth|pfizer
hospira|pfizer
pharmacia|pfizer
parke davis|pfizer
greenstone|viatris
upjohn|viatris
mylan|viatris
janssen|johnson & johnson
ortho mcneil|johnson & johnson
mcneil|kenvue
johnson and johnson consumer|kenvue
johnson & johnson consumer|kenvue
johnson and johnson|johnson & johnson
johnson & johnson|johnson & johnson
alza|johnson & johnson
novo nordisk|novo nordisk
eli lilly|eli lilly
lilly|eli lilly
abbvie|abbvie
allergan|allergan
forest labs|allergan
pharmacyclics|pharmacyclics
abbott|abbott
bristol myers|bristol myers squibb
bristol-myers|bristol myers squibb
celgene|celgene
merck sharp|merck
merck|merck
organon|organon
sanofi|sanofi
aventis|sanofi
genzyme|sanofi
chattem|sanofi
regeneron|regeneron
astrazeneca|astrazeneca
glaxosmithkline|gsk
glaxo|gsk
smithkline|gsk
viiv|gsk
gsk consumer|haleon
haleon|haleon
novartis|novartis
sandoz|sandoz
genentech|genentech
hoffmann|roche
roche|roche
amgen|amgen
gilead|gilead
vertex|vertex
biogen|biogen
takeda|takeda
shire|takeda
boehringer|boehringer ingelheim
bayer|bayer
teva|teva
actavis|teva
watson|teva
otsuka|otsuka
lundbeck|lundbeck
astellas|astellas
daiichi|daiichi sankyo
eisai|eisai
ucb|ucb
jazz|jazz pharmaceuticals
neurocrine|neurocrine
alkermes|alkermes
supernus|supernus
indivior|indivior
emergent|emergent biosolutions
adapt pharma|emergent biosolutions
bausch|bausch health
valeant|bausch health
salix|bausch health
galderma|galderma
procter|procter & gamble
colgate|colgate-palmolive
reckitt|reckitt
mead johnson|mead johnson
perrigo|perrigo
l perrigo|perrigo
fresenius kabi|fresenius kabi
hikma|hikma
west ward|hikma
sun pharma|sun pharma
taro|sun pharma
dr reddys|dr. reddy's
aurobindo|aurobindo
zydus|zydus
cipla|cipla
lupin|lupin
glenmark|glenmark
amneal|amneal
intra cellular|intra-cellular therapies
axsome|axsome
acadia|acadia
harmony|harmony biosciences
avadel|avadel
incyte|incyte
leo pharma|leo pharma
ipsen|ipsen
emd serono|merck kgaa
baxter|baxter
b braun|b. braun
becton|becton dickinson
prestige|prestige consumer healthcare
church and dwight|church & dwight
`

// OTC, biologic, vaccine, device-drug and consumer brands missing from the
// Orange Book (or present only as combinations); lower-cased by dictgen.
const drugsBlock = `
tylenol;motrin;advil;aleve;excedrin;bayer;ecotrin;bufferin;midol;goody's;bc powder
narcan;kloxxado;rextovy;opvee;zimhi
humira;rinvoq;skyrizi;stelara;tremfya;cosentyx;taltz;dupixent;ebglyss;adbry;xolair;nucala;fasenra;tezspire
ozempic;wegovy;mounjaro;zepbound;rybelsus;saxenda;trulicity;victoza;contrave;qsymia
keytruda;opdivo;yervoy;tecentriq;imfinzi;libtayo;jemperli;darzalex;enhertu;herceptin;avastin;rituxan
shingrix;gardasil;gardasil 9;prevnar;prevnar 20;capvaxive;vaxneuvance;pneumovax;arexvy;abrysvo;mresvia;beyfortus;enflonsia;bexsero;trumenba;penbraya;penmenvy;menveo;menquadfi;boostrix;adacel;tdap;dtap;pediarix;vaxelis;pentacel;rotateq;rotarix;mmr;proquad;varivax;havrix;vaqta;engerix-b;heplisav-b;twinrix;comirnaty;spikevax;mnexspike;nuvaxovid;flumist;fluzone;flublok;flucelvax;fluad;afluria;fluarix;ixchiq;jynneos;ixiaro;dengvaxia;qdenga;typhim vi;vivotif;ervebo
spravato;auvelity;zurzuvae;cobenfy;caplyta;rexulti;vraylar;lybalvi;ingrezza;austedo
epipen;epipen jr;auvi-q;neffy;adrenaclick;symjepi
botox;dysport;xeomin;jeuveau;daxxify;letybo;juvéderm;juvederm;restylane;sculptra;radiesse;belotero;kybella;voluma;vollure;volbella;skinvive
sensodyne;crest;colgate;parodontax;biotene;listerine;therabreath;orajel;anbesol
cerave;cetaphil;neutrogena;aveeno;aquaphor;eucerin;vanicream;la roche-posay;differin;vaseline;cortizone-10;lotrimin;lamisil;tinactin;monistat;neosporin;polysporin;bacitracin;hydrocortisone
similac;enfamil;pedialyte;glucerna;nutramigen;alimentum;elecare;neocate;gerber
zyrtec;claritin;allegra;xyzal;benadryl;flonase;nasacort;rhinocort;afrin;sudafed;mucinex;robitussin;delsym;nyquil;dayquil;theraflu;vicks;vapourub;zicam;emergen-c
pepcid;tums;rolaids;prilosec;nexium;zantac;zantac 360;gaviscon;pepto-bismol;imodium;miralax;dulcolax;senokot;colace;metamucil;benefiber;gas-x;dramamine;bonine;lactaid
nicorette;nicoderm;zyn;chantix
unisom;zzzquil;melatonin;icyhot;bengay;voltaren;salonpas;tiger balm;biofreeze;aspercreme
visine;systane;clear eyes;lumify;rohto
plan b;plan b one-step;opill;nexplanon;mirena;kyleena;liletta;paragard;nuvaring;annovera;depo-provera
paxlovid;lagevrio;tamiflu;xofluza;veklury;evusheld;pemgarda
leqembi;kisunla;aduhelm
eliquis;xarelto;pradaxa;savaysa;coumadin;jantoven;lovenox
jardiance;farxiga;invokana;januvia;janumet;glyxambi;synjardy;steglatro
lantus;basaglar;semglee;toujeo;tresiba;levemir;humalog;novolog;admelog;lyumjev;fiasp;apidra;afrezza;humulin;novolin;rezvoglar;baqsimi;gvoke;zegalogue
omnipod;dexcom;freestyle libre;eversense
entresto;repatha;praluent;leqvio;nexletol;nexlizet;vascepa;camzyos;verquvo;kerendia;inpefa
prolia;evenity;xgeva;forteo;tymlos;reclast
enbrel;remicade;inflectra;renflexis;avsola;simponi;cimzia;orencia;actemra;kevzara;olumiant;xeljanz;otezla;sotyktu;kineret;ilaris;benlysta;saphnelo;lupkynis;tavneos
ocrevus;kesimpta;tysabri;briumvi;mavenclad;gilenya;mayzent;zeposia;ponvory;vumerity;tecfidera;aubagio;copaxone
aimovig;ajovy;emgality;vyepti;nurtec;ubrelvy;qulipta;zavzpret;reyvow;elyxyb
vyvanse;adderall;concerta;ritalin;focalin;strattera;qelbree;intuniv;jornay pm;azstarys;xelstrym;dexedrine;evekeo;mydayis;methylin;quillichew
suboxone;sublocade;brixadi;vivitrol;zubsolv;lucemyra
trikafta;kalydeco;alyftrek;journavx
biktarvy;descovy;truvada;apretude;cabenuva;sunlenca;yeztugo;dovato;triumeq
hemlibra;altuviiio;roctavian;hemgenix;zolgensma;spinraza;evrysdi;elevidys;casgevy;lyfgenia;carvykti;abecma;kymriah;yescarta;breyanzi;tecartus
eylea;lucentis;vabysmo;beovu;syfovre;izervay;susvimo;xdemvy;vuity;restasis;xiidra;miebo;cequa;upneeq
ilumya;siliq;bimzelx;spevigo;omvoh;entyvio;zymfentra;velsipity;rinvoq lq;litfulo;leqselvi;opzelura;vtama;zoryve;anzupgo;nemluvio
tepezza;uplizna;soliris;ultomiris;vyvgart;rystiggo;zilbrysq;enspryng
xywav;xyrem;lumryz;wakix;sunosi
winrevair;tyvaso;opsumit;uptravi;adempas;orenitram
lasix;xanax;valium;ativan;klonopin;ambien;lunesta;belsomra;quviviq;dayvigo
cialis;viagra;addyi;vyleesi
rogaine;propecia;finasteride;minoxidil
coolsculpting;ultherapy;morpheus8;hydrafacial;kybella;latisse;upneeq
omeprazole;ibuprofen;acetaminophen;naproxen;diphenhydramine;loratadine;cetirizine;fexofenadine;famotidine;loperamide;guaifenesin;dextromethorphan;pseudoephedrine;phenylephrine;naloxone;melatonin
`

// Medical eponyms (people and their diseases, signs, scales and procedures).
const eponymsBlock = `
graves;addison;down;asperger;tourette;whipple;glasgow;apgar;heimlich;bell;hashimoto;crohn;parkinson;alzheimer;cushing;hodgkin;non-hodgkin;kaposi;lewy;wolff-parkinson-white;barrett;guillain-barré;huntington;lou gehrig;gehrig;raynaud;sjögren;ménière;munchausen;münchausen;kawasaki;reye;marfan;ehlers-danlos;epley;babinski;murphy;mcburney;foley;swan-ganz;trendelenburg
addisonian;cushingoid;parkinsonian;parkinsonism;hodgkin's
tay-sachs;niemann-pick;gaucher;fabry;pompe;hurler;hunter;sanfilippo;krabbe;canavan;batten;wilson;menkes;rett;angelman;prader-willi;williams;digeorge;turner;klinefelter;noonan;edwards;patau;fragile x
duchenne;becker;charcot-marie-tooth;friedreich;lou gehrig's;pick;creutzfeldt-jakob;binswanger;korsakoff;wernicke;wernicke-korsakoff;broca;todd;tardieu
bell's palsy;horner;adie;argyll robertson;marcus gunn
mohs;breslow;gleason;ranson;centor;salter-harris;lachman;mcmurray;phalen;tinel;finkelstein;spurling;kernig;brudzinski
graves';basedow;plummer;de quervain;riedel;conn;bartter;gitelman;liddle;sheehan;simmonds;nelson;zollinger-ellison
hirschsprung;meckel;mallory-weiss;boerhaave;zenker;schatzki;barrett's;ménétrier;menetrier;peutz-jeghers;lynch;gardner;turcot;wilms;ewing;burkitt;waldenström;waldenstrom;castleman;rosai-dorfman;langerhans;merkel;paget;bowen;kaposi's;hürthle;krukenberg;virchow;sister mary joseph;trousseau
stevens-johnson;kawasaki's;henoch-schönlein;henoch-schonlein;takayasu;behçet;behcet;wegener;churg-strauss;goodpasture;buerger;berger;alport;fanconi;bernard-soulier;glanzmann;von willebrand;willebrand;diamond-blackfan
tetralogy of fallot;fallot;ebstein;eisenmenger;kussmaul;cheyne-stokes;biot;austin flint;graham steell;duroziez;quincke;de musset;corrigan;osler;janeway;libman-sacks;dressler;prinzmetal;brugada;romano-ward;jervell;lown-ganong-levine;stokes-adams;adams-stokes;mobitz;wenckebach;holter;bainbridge
legg-calvé-perthes;legg-calve-perthes;perthes;osgood-schlatter;kienböck;kienbock;scheuermann;colles;monteggia;galeazzi;maisonneuve;lisfranc;chopart;dupuytren;ledderhose;peyronie;heberden;bouchard;baker;tinel;phalen;finkelstein;mcmurray;lachman;neer;spurling;lasègue;lasegue;ortolani;barlow;trendelenburg's;gower;gowers;froment;adson
apgar;glasgow coma scale;ranson;child-pugh;centor;framingham;gleason;breslow;ann arbor;mallampati;cormack-lehane;brodsky;karnofsky;beck depression;rankin;barthel;killip;dubowitz;hunt and hess;spetzler-martin;salter-harris;weber;schatzker;gustilo;neer classification;hinchey;bismuth;todani;couinaud;bethesda;papanicolaou;nottingham;fuhrman;masaoka;lugano;durie-salmon
heimlich;valsalva;müller;mueller;epley;semont;dix-hallpike;hallpike;romberg;babinski's;chvostek;trousseau's;kernig;brudzinski;murphy's;rovsing;blumberg;grey turner;cullen;kehr;courvoisier;charcot;reynolds;virchow's;homans;pemberton;kussmaul's;hoffmann;oppenheimer
whipple;billroth;roux-en-y;roux;nissen;toupet;hartmann;heller;kasai;ladd;ramstedt;fontan;norwood;rastelli;senning;jatene;bentall;cox-maze;maze;seldinger;swan-ganz;foley;sengstaken-blakemore;macintosh;guedel;yankauer;hickman;broviac;groshong;ommaya;tenckhoff;quinton;mahurkar;jackson-pratt;penrose;hemovac;heimlich valve;bovie;kocher;metzenbaum;babcock;deaver;balfour;bookwalter;gelpi;weitlaner;credé;crede;leopold;mcroberts;zavanelli;ritgen;pfannenstiel;joel-cohen;lichtenstein;shouldice;bassini;mcvay;kugel;stoppa;judet;kocher's;pringle;cattell-braasch;mattox;kocher maneuver;pringle maneuver;mcburney's
lyme;ebola;zika;coxsackie;epstein-barr
ziehl-neelsen;giemsa;papanicolaou stain;mantoux;schilling;coombs;widal;weil-felix;kveim;tzanck;wood's lamp;schirmer;snellen;ishihara;rinne
de quervain's;dupuytren's;osgood;schlatter;sjogren;meniere;munchausen by proxy;guillain-barre;guillain;barré;barre;ehlers;danlos;creutzfeldt;jakob;prader;willi
asherman;stein-leventhal;mayer-rokitansky;rokitansky;kallmann;fitz-hugh-curtis;bartholin;skene;nabothian;naegele;chadwick;goodell;hegar;braxton hicks;braxton-hicks;sheehan's
reiter;felty;still;sweet;jaccoud;forestier;schmorl;tietze;mondor;kawasaki disease;takotsubo;osler-weber-rendu;rendu-osler-weber;sturge-weber;von hippel-lindau;hippel-lindau;von recklinghausen;recklinghausen;bourneville;klippel-trenaunay;klippel-feil;arnold-chiari;chiari;dandy-walker;moyamoya;wallenberg;brown-séquard;brown-sequard;gerstmann;balint;capgras;cotard;fregoli;de clérambault;ganser;korsakoff's;kluver-bucy;klüver-bucy;cluver;tourette's;asperger's;rett's;angelman's
`

// Names people commonly use for well-known hospitals that the CMS names and
// the derived short names do not produce.
const hospitalsBlock = `
mass general;mass general brigham;massachusetts general;mgh;brigham;brigham and women's;brigham & women's;the brigham
cedars;cedars sinai;hopkins;johns hopkins;mayo;mayo clinic;mayo rochester;cleveland clinic;the cleveland clinic
md anderson;m.d. anderson;sloan kettering;memorial sloan kettering;msk;mskcc;dana-farber;dana farber
mount sinai;mt sinai;mt. sinai;nyu langone;langone;bellevue;ny presbyterian;newyork-presbyterian;new york presbyterian;columbia presbyterian;weill cornell;hss;hospital for special surgery;lenox hill;montefiore;kings county;elmhurst hospital
parkland;grady;cook county;stroger;jackson memorial;ucla medical center;ronald reagan;ucsf;ucsf medical center;zuckerberg san francisco general;sf general;lac+usc;lac usc;county usc;harborview;stanford hospital;stanford health care;kaiser;kaiser permanente
barnes;barnes-jewish;barnes jewish;children's hospital of philadelphia;penn presbyterian;hospital of the university of pennsylvania;jefferson;temple university hospital
boston children's;cincinnati children's;texas children's;nationwide children's;seattle children's;lurie children's;st. jude;st jude;saint jude;rady children's;children's mercy;le bonheur
vanderbilt;vanderbilt university medical center;vumc;duke university hospital;duke hospital;emory university hospital;ochsner;baylor scott & white;houston methodist;memorial hermann;ben taub;tampa general;mercy general;northwestern memorial;rush university medical center;university of chicago medicine;michigan medicine;henry ford hospital;beaumont;upmc;geisinger;intermountain;cedars-sinai
walter reed;brooke army medical center;bamc;naval medical center san diego;balboa naval hospital
`
