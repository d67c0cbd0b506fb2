package detect

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	chaperone "github.com/chaperone-project/chaperone"
	"github.com/chaperone-project/chaperone/redact"
)

func engine(t testing.TB) *Engine {
	t.Helper()
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestScreenDecisions(t *testing.T) {
	e := engine(t)
	tests := []struct {
		name string
		item chaperone.Item
		want chaperone.Decision
		has  []chaperone.FindingType
	}{
		{"empty", chaperone.Item{}, chaperone.Allow, nil},
		{"education", chaperone.Item{Text: "Crohn's and ulcerative colitis are not the same thing. Get your flu shot!"}, chaperone.Allow, nil},
		{"cell service", chaperone.Item{Text: "Back from 10 days in Juneau 🐋 saw humpbacks, ate way too much salmon, zero cell service. 10/10 recommend", Author: chaperone.Author{Account: chaperone.AccountPersonal}}, chaperone.Allow, nil},
		{"own child's career day", chaperone.Item{Text: "career day in Theo's 3rd grade class at Lincoln Elementary 🩺 19 kids listened to their own hearts and one asked if his was \"broken\" bc it was so loud lol", Author: chaperone.Author{Account: chaperone.AccountPersonal}}, chaperone.Allow, nil},
		{"a medic's run", chaperone.Item{Text: "ran a call out on Ridgeview Rd tonight for a lady who'd fallen in her garden"}, chaperone.Block, []chaperone.FindingType{chaperone.FindingPHI}},
		{"a child on the unit", chaperone.Item{Text: "little jonah on our floor beat me at uno again, he's been with us since Easter 🐣"}, chaperone.Block, []chaperone.FindingType{chaperone.FindingPHI}},
		{"own dad's surgery", chaperone.Item{Text: "my dad Lenny is 74 and just walked 18 holes at Pebble Creek after his hip replacement in March 🏌️ so proud", Author: chaperone.Author{Account: chaperone.AccountPersonal}}, chaperone.Allow, nil},
		{"a patient's grandpa on the unit", chaperone.Item{Text: "Grandpa R.T. in the memory unit proposed to me again today 😂 ninety-two and still a charmer", Author: chaperone.Author{Account: chaperone.AccountPersonal}}, chaperone.Block, []chaperone.FindingType{chaperone.FindingPHI}},
		{"a birth story's mom", chaperone.Item{Text: "New Year's baby!! Mom named her Estrella Luz and dad fainted in the corner.", Author: chaperone.Author{Account: chaperone.AccountPersonal}}, chaperone.Block, []chaperone.FindingType{chaperone.FindingPHI}},
		{"a dated first in history", chaperone.Item{Text: "April 4, 1969: Denton Cooley's team in Houston implanted the first total artificial heart. Haskell Karp lived 3 days on it. This year our program passed 300 implants. Giants' shoulders ❤️"}, chaperone.Allow, nil},
		{"a living couple's wedding date", chaperone.Item{Text: "Cheers to Frank and Marjorie Hale on 68 years of marriage! 💍 Married June 14, 1957 in Odessa and still holding hands at church 🥹"}, chaperone.Block, []chaperone.FindingType{chaperone.FindingPHI}},
		{"a real teaching case", chaperone.Item{Text: "Teaching case from Tuesday's shift (real one): 96yo from Maple Court, febrile, lactate 5.1, UA clean. Turned out to be a sacral abscess. Always flip the patient. #FOAMed"}, chaperone.Block, []chaperone.FindingType{chaperone.FindingPHI}},
		{"a pharmacy job posting", chaperone.Item{Channel: chaperone.ChannelComment, Text: "My store is hiring a per-diem tech for weekend coverage 💊 Corner of Elm & 4th, Greenport. great techs, low drama. message me!"}, chaperone.Allow, nil},
		{"a cheer for the practice's honour", chaperone.Item{Channel: chaperone.ChannelComment, Context: "Our hospital just earned Magnet designation for the fourth time!", Text: "so proud to work with every one of you!! 🧲💙"}, chaperone.Allow, nil},
		{"a reply glad of the reviewer's testing", chaperone.Item{Channel: chaperone.ChannelReviewReply, Context: "★★★ dermatologist was fine but the wait was long", Text: "Thanks for the feedback! We're glad your patch testing went smoothly, and we're adding staff to cut the wait."}, chaperone.Block, []chaperone.FindingType{chaperone.FindingRelationshipConfirmed}},
		{"dog rolled in", chaperone.Item{Text: "Took Pretzel to the dog beach at Fort Funston and he rolled in something unspeakable 🐕💩", Author: chaperone.Author{Account: chaperone.AccountPersonal}}, chaperone.Allow, nil},
		{"flu clinic notice", chaperone.Item{Text: "Free flu shot clinic 💉 Saturday Sept 14, 9am–1pm at the Lincoln Elementary gym, 1212 W Oak St, Paris TX. No insurance needed, ages 6 months+."}, chaperone.Allow, nil},
		{"closing notice", chaperone.Item{Text: "⚠️ All Knoxville and Maryville offices are CLOSED Tuesday, Jan 21 due to ice on I-40 and Alcoa Hwy. Patients with appointments will get a text to reschedule."}, chaperone.Allow, nil},
		{"closed for a patient", chaperone.Item{Text: "Our patient who teaches 3rd grade at Lincoln Elementary had her surgery moved because the OR is closed Jan 21."}, chaperone.Block, []chaperone.FindingType{chaperone.FindingPHI}},
		{"antibiotics for viral crud", chaperone.Item{Text: "Got a cold that won't quit after 3 days? Come see us — a quick Z-Pak knocks out even the worst viral crud 💊"}, chaperone.Review, []chaperone.FindingType{chaperone.FindingMisinformation}},
		{"colleague tribute", chaperone.Item{Text: "RIP Dr. Walter Fenwick, 93, who delivered half of Greene County from 1961 to 1999 and taught me to tie my first knot. A true country doc. 🕊️"}, chaperone.Allow, nil},
		{"colleague by credential", chaperone.Item{Text: "Remembering Patricia 'Patty' Gallagher, RN, who died Aug 9 at 94. She started in our nursery in 1953 and volunteered at the gift shop until she was 90."}, chaperone.Allow, nil},
		{"colleague and a patient", chaperone.Item{Text: "Dr. Patel and I just finished a 9-hour Whipple on a 67yo grandfather. Tough case, great team."}, chaperone.Review, []chaperone.FindingType{chaperone.FindingPatientStory}},
		{"a case before thanks", chaperone.Item{Text: "First solo lap chole today 🎉 Thank you Dr. Goldberg for trusting me with the hook."}, chaperone.Review, []chaperone.FindingType{chaperone.FindingPatientStory}},
		{"any reader's kid", chaperone.Item{Text: "Measles case count in Gaines County is now over 150. If your kid isn't vaccinated, please talk to your pediatrician."}, chaperone.Allow, nil},
		{"safe room", chaperone.Item{Text: "Tornado sirens going off in Moore again. If you're in the path, get to your safe room now. Our ED is staffed and ready."}, chaperone.Allow, nil},
		{"practice chart", chaperone.Item{Text: "Epic tip: practice your order sets on ZZTEST, DONALD (MRN 000000002) in the PLAY environment, never on a live chart"}, chaperone.Allow, nil},
		{"the practice's van", chaperone.Item{Text: "Our mobile clinic is back on the road 🚐 Say hi if you see our shiny new van, plate CARE-4U, around town this summer!"}, chaperone.Allow, nil},
		{"staff flu shots", chaperone.Item{Text: "Staff flu shots 💉 Room 114, Garden Level, Mon/Wed 7a–3p through Nov 14. Bring your badge!"}, chaperone.Allow, nil},
		{"a county's overdose rate", chaperone.Item{Text: "Mercer County now has the highest overdose death rate in the state. Narcan is free at our front desk."}, chaperone.Allow, nil},
		{"one overdose in a county", chaperone.Item{Text: "her overdose in Mercer County last week was her third this year"}, chaperone.Block, []chaperone.FindingType{chaperone.FindingPHI}},
		{"repeated-digit placeholder", chaperone.Item{Text: "Training reminder: the sandbox uses fake data only — MRN 0000000. Please never paste real patient info into it!"}, chaperone.Allow, nil},
		{"person after one word", chaperone.Item{Text: "Vaping kid from Bishop Kelly HS in Boise on ECMO now. 17. I'm begging parents to check backpacks."}, chaperone.Block, []chaperone.FindingType{chaperone.FindingPHI}},
		{"ssn", chaperone.Item{Text: "pt's SSN is 519-04-7732, can someone fix the claim?"}, chaperone.Block, []chaperone.FindingType{chaperone.FindingPHI}},
		{"ssn last four after the label", chaperone.Item{Text: "verified pt with DOB and last4 SSN 4471, still pulled the wrong chart"}, chaperone.Block, []chaperone.FindingType{chaperone.FindingPHI}},
		{"outpatient setting", chaperone.Item{Text: "PT clinic in Ossining hiring a PTA, outpatient ortho and sports. Mentorship and a CEU stipend. Apply: harborpt.com/jobs"}, chaperone.Allow, nil},
		{"a case said to be fictional", chaperone.Item{Text: "Case (fictional): 'Dee,' a 35yo teacher, worst headache of her life at the gym. What's on your differential? Think SAH, RCVS, dissection."}, chaperone.Allow, nil},
		{"a grandparent's birthday on a personal account", chaperone.Item{Author: chaperone.Author{Account: chaperone.AccountPersonal},
			Text: "Grandpa Teodoro turned 95 today 🎂 still cheats at dominoes and still asks when I'm buying a house lol. love this man"}, chaperone.Allow, nil},
		{"a resident in training reads history", chaperone.Item{Text: "Every surgery resident should read about Ignaz Semmelweis. 1847, Vienna: handwashing cut deaths on the maternity ward and his colleagues mocked him for it."}, chaperone.Allow, nil},
		{"a named survivor's milestone", chaperone.Item{Text: "Huge shoutout at today's survivors brunch to Delphine Okoro, who rang the bell Friday after 12 rounds of radiation 🔔💛"}, chaperone.Block, []chaperone.FindingType{chaperone.FindingPHI}},
		{"a named member off insulin", chaperone.Item{Text: "Our walking club turns one! 🎉 Congrats especially to Marcus, down 35 lbs and off insulin 🙌"}, chaperone.Block, []chaperone.FindingType{chaperone.FindingPHI}},
		{"a public figure's health news", chaperone.Item{Text: "Jimmy Carter entered home hospice in Feb 2023 and still made it to his 100th birthday. Hospice is comfort, not giving up. #HospiceMyths"}, chaperone.Allow, nil},
		{"a winked hypothetical", chaperone.Item{Text: "Hypothetical 😉 case: a 94yo from Ajo shows up at the ER last night with a sodium of 109 and says she just felt tired. What's your first move? #FOAMed"}, chaperone.Block, []chaperone.FindingType{chaperone.FindingPHI}},
		{"a plural label before an ID", chaperone.Item{Text: "Front desk friends: stop texting me photos of insurance cards with member IDs like QHW582017734 showing 🙃"}, chaperone.Block, []chaperone.FindingType{chaperone.FindingPHI}},
		{"regulars seen twice a year", chaperone.Item{Channel: chaperone.ChannelReviewReply, Context: "Best orthodontist around! Both my boys finally like going ⭐⭐⭐⭐⭐", Text: "Aww, we love seeing the boys every six months!! The sticker wall just got a refill 🦷"}, chaperone.Block, []chaperone.FindingType{chaperone.FindingRelationshipConfirmed}},
		{"the reviewer's own lenses", chaperone.Item{Channel: chaperone.ChannelReviewReply, Context: "Love my new glasses!!", Text: "Yay!! that frame suits you 🤓 reminder your contact lens trial ends soon, just call!"}, chaperone.Block, []chaperone.FindingType{chaperone.FindingRelationshipConfirmed}},
		{"a star gone public", chaperone.Item{Text: "Really moving to see Linda Ronstadt back on stage after going public with Parkinson's. It is rare before 50 (about 1-2 per 10,000) and often missed for years."}, chaperone.Allow, nil},
		{"a star's handle", chaperone.Item{Channel: chaperone.ChannelComment, Context: "Kevin Love opens up about his panic attacks", Text: "Grateful when public figures like @kevinlove talk openly about anxiety. It gets people into therapy sooner."}, chaperone.Allow, nil},
		{"event notice split by emoji and a time range", chaperone.Item{Text: "FREE flu shots 💉📚 Sat Aug 9, 10am–2pm at the Westside YMCA, 2210 Elm Ave, Fresno. Qs: (559) 555-0177"}, chaperone.Allow, nil},
		{"a famous patient's own care", chaperone.Item{Text: "Mary Mallon cooked for families in Oyster Bay in 1906 while her gallbladder shed typhoid. Still my go-to case for teaching carriers."}, chaperone.Allow, nil},
		{"a famous patient after an opening phrase", chaperone.Item{Text: "Born in Cooperstown in 1869, Mary Mallon never believed she carried typhoid. Every epi student should know her story."}, chaperone.Allow, nil},
		{"a death on a call", chaperone.Item{Text: "rough call on the bypass tonight. motorcyclist, didnt make it. ride safe y'all"}, chaperone.Review, []chaperone.FindingType{chaperone.FindingPatientStory}},
		{"staff photo roster after the heading", chaperone.Item{Text: "Say hello to our new billing crew! Left to right: Marisol, Dev and Priyanka 👋 Stop by and welcome them."}, chaperone.Allow, nil},
		{"a county's toll", chaperone.Item{Text: "Baker County lost 212 people to overdoses in 2023. Narcan is free at the Baker County Library, no ID, no questions."}, chaperone.Allow, nil},
		{"an awareness 5K", chaperone.Item{Text: "See you at the Polo Field in Golden Gate Park, 6am Sunday, for our Stroke Awareness 5K 🏃‍♀️🧠 BE FAST saves lives!"}, chaperone.Allow, nil},
		{"a Marine's motto", chaperone.Item{Text: "A 72yo retired Marine came in today wanting help quitting chew after 40 years. Semper Fi, sir."}, chaperone.Review, []chaperone.FindingType{chaperone.FindingPatientStory}},
		{"a famous doctor's first", chaperone.Item{Text: "Born 1821 in Bristol, England, Elizabeth Blackwell became the first woman to earn an MD in the US. A man laughed at her in class."}, chaperone.Allow, nil},
		{"open enrollment dates", chaperone.Item{Text: "Medicare open enrollment runs Oct 15 – Dec 7! Our front desk can help you compare plans, call 555-0142."}, chaperone.Allow, nil},
		{"exam prep vignette", chaperone.Item{Text: "UWorld question of the night: a 93-year-old woman on warfarin falls at home. Next step?"}, chaperone.Allow, nil},
		{"own procedure date in a reply", chaperone.Item{Channel: chaperone.ChannelReply, Text: "I had my own colonoscopy on 6/3. but seriously: screening starts at 45, go book yours"}, chaperone.Allow, nil},
		{"reader's procedure date in a reply", chaperone.Item{Channel: chaperone.ChannelReply, Text: "Glad you had your colonoscopy on 6/3. Screening starts at 45!"}, chaperone.Block, nil},
		{"boards question of the day", chaperone.Item{Text: "Boards Q of the day 🧠: A 91-year-old woman from a nursing home presents with fever and new confusion. Next best step? #USMLE"}, chaperone.Allow, nil},
		{"match list with arrows", chaperone.Item{Text: "So proud of our PGY-3s! Fatima → Hopkins fellowship, Jae-won → UCLA, Brendan → Mayo 🎉"}, chaperone.Allow, nil},
		{"bio home town", chaperone.Item{Channel: chaperone.ChannelBio, Text: "RN 👶 L&D @ Kapiʻolani | Hilo born 🌺 | IBCLC | coffee > sleep"}, chaperone.Allow, nil},
		{"bio favourite birth", chaperone.Item{Channel: chaperone.ChannelBio, Text: "L&D nurse 👶 | 2,000+ babies caught | all-time favorite: baby Willow, born in the back of a Subaru on Route 7 near Shelburne Falls"}, chaperone.Block, nil},
		{"own surgery", chaperone.Item{Text: "3 weeks post-op from my own ACL repair (yes, the cardiologist tore his ACL playing pickleball 🙃). PT on 4/2 was brutal but I'm finally off crutches."}, chaperone.Allow, nil},
		{"own pregnancy", chaperone.Item{Text: "34 weeks today and still doing 12s on L&D. my feet hate me. baby girl due 5/19 🩷"}, chaperone.Allow, nil},
		{"usmle-style case", chaperone.Item{Text: "USMLE-style: A 26yo woman develops watery diarrhea 3 days after returning from Cancún. No fever. Most likely organism?"}, chaperone.Allow, nil},
		{"board-style real case", chaperone.Item{Text: "Board-style Q based on my actual pt yesterday 👀: 92yo woman from Brookline, new AF, prior GI bleed. Anticoagulate or not?"}, chaperone.Block, nil},
		{"chief resident's wedding", chaperone.Item{Text: "Our chief resident Dr. Fatima Zahra Benali married Dr. Lucas Meyer this weekend in Marrakech 💍 the whole ICU sends love!"}, chaperone.Allow, nil},
		{"centenarian in the news", chaperone.Item{Text: "The 101-year-old WWII vet in this story running a 5K is my new hero 🏃‍♂️ Movement is medicine at every age."}, chaperone.Allow, nil},
		{"clinic hours over a day range", chaperone.Item{Text: "Our brand-new 3T MRI suite is open 📸 (pictured: the empty scanner room, no patients). Open Mon–Sat 7a–9p at 4100 Lakeview Pkwy, Suite B."}, chaperone.Allow, nil},
		{"party in the conference room", chaperone.Item{Text: "After 12 years, our beloved charge nurse Bernadette is retiring Friday. Retirement party Friday 3/28 at 3pm in Conf Room B."}, chaperone.Allow, nil},
		{"a colleague's exam", chaperone.Item{Text: "Shoutout to our night pharmacist Ike, who just passed his BCPS exam 🎉"}, chaperone.Allow, nil},
		{"every room in minutes", chaperone.Item{Text: "She once restocked every room in 11 minutes flat."}, chaperone.Allow, nil},
		{"a resident in training", chaperone.Item{Text: "Congrats to our surgery resident Tomás on his podium talk at ACS in Boston!"}, chaperone.Allow, nil},
		{"room of the building", chaperone.Item{Text: "Lab draws are in Room 4 on the 1st floor. Parking is validated 🚗"}, chaperone.Allow, nil},
		{"room of a patient on a floor", chaperone.Item{Text: "the lady in room 12 on the 3rd floor keeps pulling her IV"}, chaperone.Block, []chaperone.FindingType{chaperone.FindingPHI}},
		{"reader's own MRN", chaperone.Item{Text: "🚨 Scam alert: Lakeview Health will NEVER text or DM you asking for your MRN, SSN or portal password."}, chaperone.Allow, nil},
		{"hotline after a label", chaperone.Item{Text: "naloxone belongs in every first aid kit, no rx needed. and save Poison Control: 1-800-222-1222."}, chaperone.Allow, nil},
		{"practice line after insurers", chaperone.Item{Channel: chaperone.ChannelReply, Context: "do y'all take Aetna??",
			Text: "Hi! Yes we're in network w/ Aetna, BCBS, Cigna and most Medicare Advantage plans. Give us a ring at 520-555-0192 and we can check your plan 😊"}, chaperone.Allow, nil},
		{"confirmed in Spanish", chaperone.Item{Channel: chaperone.ChannelReviewReply, Context: "Excelente atención, la doctora revisó a mi bebé con mucha paciencia.",
			Text: "¡Muchísimas gracias por su reseña! Nos alegra que la revisión de su bebé haya salido bien. Recuerde que ya le toca la vacuna de los 6 meses 💉"}, chaperone.Block, []chaperone.FindingType{chaperone.FindingRelationshipConfirmed}},
		{"confirmed in Chinese", chaperone.Item{Channel: chaperone.ChannelReply, Context: "谢谢李医生，我爸爸的血糖控制得好多了！",
			Text: "不客气！很高兴叔叔的血糖稳定了 😊 下个月记得带他来复查糖化血红蛋白哦。"}, chaperone.Block, []chaperone.FindingType{chaperone.FindingRelationshipConfirmed}},
		{"booking yet to make in Spanish", chaperone.Item{Channel: chaperone.ChannelReviewReply, Context: "El doctor no habló español y no entendí nada 😞",
			Text: "Lo sentimos mucho. Ofrecemos intérpretes gratis en todas las visitas — pídalo al hacer su cita. Queremos que se sienta bienvenido."}, chaperone.Allow, nil},
		{"refill ready for him", chaperone.Item{Channel: chaperone.ChannelReply, Context: "Got mine yesterday with my dad, you guys were super quick 👍",
			Text: "Glad you and your dad got in and out fast! tell him his warfarin refill is ready too whenever he wants to swing by 😊"}, chaperone.Block, []chaperone.FindingType{chaperone.FindingRelationshipConfirmed}},
		{"sessions paid off", chaperone.Item{Channel: chaperone.ChannelComment, Context: "Leo said 'mama' for the first time today 😭",
			Text: "CRYING. all those tuesday sessions paid off!!! you superstar 🌟"}, chaperone.Block, []chaperone.FindingType{chaperone.FindingRelationshipConfirmed}},
		{"creator credited", chaperone.Item{Text: "h/t @PTonICE for this hip mobility flow — been using a modified version with my Parkinson's group class all month. #neuroPT"}, chaperone.Allow, nil},
		{"patient credited", chaperone.Item{Text: "h/t @bigmike_lifts for letting me share his rehab journey 💪 6 weeks post ACL"}, chaperone.Block, []chaperone.FindingType{chaperone.FindingPHI}},
		{"your nurse again", chaperone.Item{Text: "congrats Esperanza!!! 🎉 3rd baby, 3rd time i've been your nurse, see u for #4 lol"}, chaperone.Block, []chaperone.FindingType{chaperone.FindingPHI}},
		{"hypothetical case", chaperone.Item{Text: "Hypothetical: a 62-year-old smoker asks if he needs a lung cancer screening. Answer: yes, if ≥20 pack-years and quit <15 yrs ago. #USPSTF"}, chaperone.Allow, nil},
		{"history", chaperone.Item{Text: "Today we remember Sidney Farber, who in 1947 gave the first remission-inducing chemotherapy for childhood leukemia. #History"}, chaperone.Allow, nil},
		{"crash victims confirmed", chaperone.Item{Channel: chaperone.ChannelComment, Context: "Two injured in house fire on Pinecrest Dr, both taken to hospital",
			Text: "both are stable on our burn unit, keep them in your prayers ❤️"}, chaperone.Block, []chaperone.FindingType{chaperone.FindingRelationshipConfirmed}},
		{"melanoma at a screening", chaperone.Item{Text: "Found a melanoma on a lifeguard from North Myrtle Beach during our free screening June 14 👀 get checked!!"}, chaperone.Block, []chaperone.FindingType{chaperone.FindingPHI}},
		{"story", chaperone.Item{Text: "my pt last night was a sweet old man who kept asking me to dance"}, chaperone.Review, []chaperone.FindingType{chaperone.FindingPatientStory}},
		{"relationship", chaperone.Item{Channel: chaperone.ChannelReviewReply, Context: "Lab tech had to stick me 5 times.",
			Text: "So sorry! We added a note to your chart so next time we'll use the ultrasound."}, chaperone.Block, []chaperone.FindingType{chaperone.FindingRelationshipConfirmed}},
		{"safe reply", chaperone.Item{Channel: chaperone.ChannelReviewReply, Context: "Rude staff, never again.",
			Text: "We're sorry to read this. Please contact us at feedback@brightsmiles.com or 555.322.1098."}, chaperone.Allow, nil},
		{"personal", chaperone.Item{Author: chaperone.Author{Account: chaperone.AccountPersonal},
			Text: "ugh 3 codes this shift, going to bed with a bottle of wine"}, chaperone.Review, []chaperone.FindingType{chaperone.FindingPersonalAccountClinical}},
		{"note channel", chaperone.Item{Channel: chaperone.ChannelNote, Text: "Seen in clinic 3/14 with her daughter. Phone 555-201-8890."}, chaperone.Block, []chaperone.FindingType{chaperone.FindingPHI}},
		{"advice to a stranger's handle", chaperone.Item{Channel: chaperone.ChannelReply,
			Text: "@jenn_tx_mom for a 2yo at 26 lbs you can give 5 mL of children's ibuprofen every 6-8 hrs. If the rash spreads, go to urgent care."}, chaperone.Review, []chaperone.FindingType{chaperone.FindingIndividualAdvice}},
		{"contempt in a review reply", chaperone.Item{Channel: chaperone.ChannelReviewReply, Context: "Terrible clinic, would not give me what I asked for.",
			Text: "Nice try. Nobody by that name was ever seen here. Rival clinics posting fake reviews is pathetic."}, chaperone.Review, []chaperone.FindingType{chaperone.FindingUnprofessional}},
		{"physical therapy team", chaperone.Item{Channel: chaperone.ChannelImageCaption,
			Text: "Our PT team at the Cherry Blossom 10 Miler on Memorial Day 🏃 Congrats to teammates Art, Bill and Rose on new PRs!"}, chaperone.Allow, nil},
		{"thanks for a good experience", chaperone.Item{Channel: chaperone.ChannelReviewReply, Context: "★★★★★ Kind staff, spotless office!",
			Text: "So happy to hear you had a wonderful experience with our staff! Thank you for taking the time."}, chaperone.Allow, nil},
		{"results told as back", chaperone.Item{Channel: chaperone.ChannelReply, Context: "did my biopsy come back yet?? so nervous",
			Text: "@lena.k.runs your biopsy is back and it's benign! Call the office if you want to go over it."}, chaperone.Block, []chaperone.FindingType{chaperone.FindingRelationshipConfirmed}},
		{"results told as back someday", chaperone.Item{Channel: chaperone.ChannelReply, Context: "did my biopsy come back yet?? so nervous",
			Text: "Hang in there! When your biopsy is back, your own doctor will walk you through it."}, chaperone.Allow, nil},
		{"a pupil's reaction at a named school", chaperone.Item{
			Text: "Preschooler at Hawthorne Elementary had an asthma attack at recess today. Inhaler worked. Check your kids' spacers, folks."}, chaperone.Block, []chaperone.FindingType{chaperone.FindingPHI, chaperone.FindingPatientStory}},
		{"photo of one patient's wound", chaperone.Item{Channel: chaperone.ChannelImageCaption,
			Text: "Look how far this diabetic foot ulcer has come in 8 weeks of offloading 👀 swipe for week 1"}, chaperone.Review, []chaperone.FindingType{chaperone.FindingPatientStory}},
		{"progress told of one person", chaperone.Item{
			Text: "Stood at the sink and brushed her own teeth today. 5 weeks ago she couldn't lift her arm. OT is magic."}, chaperone.Review, []chaperone.FindingType{chaperone.FindingPatientStory}},
		{"practice's address after a curly we're", chaperone.Item{Channel: chaperone.ChannelComment, Context: "anyone know a good pediatric dentist near downtown?",
			Text: "We’d love to meet your kids! We’re at 410 Harbor Ave, (360) 555-0144, and we take Apple Health."}, chaperone.Allow, nil},
		{"answer to a prospective patient", chaperone.Item{Channel: chaperone.ChannelReply, Context: "Are you taking new patients?",
			Text: "Hi! Our scheduling line is (509) 555-0122 ext. 2. Hope to see you soon 😊"}, chaperone.Allow, nil},
		{"a city's people in a bio", chaperone.Item{Channel: chaperone.ChannelBio,
			Text: "DPT | trail runner | helping Austin athletes get back on the trail 🏔️"}, chaperone.Allow, nil},
		{"advice to a stranger by name", chaperone.Item{Channel: chaperone.ChannelReply, Context: "Bernadette Okoro: 'I'm 36 weeks and my feet are so swollen, is that normal?'",
			Text: "Bernadette, swelling with a headache or vision changes at 36 weeks needs a check today. Please call your OB."}, chaperone.Review, []chaperone.FindingType{chaperone.FindingIndividualAdvice}},
		{"a hymn at the bedside", chaperone.Item{
			Text: "Held the hand of a woman in her eighties tonight while her grandson sang Amazing Grace 🕊️"}, chaperone.Review, []chaperone.FindingType{chaperone.FindingPatientStory}},
		{"a school hosting a clinic", chaperone.Item{
			Text: "Free sports physicals at Westbrook High this Saturday 9-1. Bring your forms!"}, chaperone.Allow, nil},
		{"condolences to a grieving follower", chaperone.Item{Channel: chaperone.ChannelReply, Context: "thank you to the night nurses who looked after my mom 🙏",
			Text: "Sending love to you and your whole family 💔"}, chaperone.Allow, nil},
		{"virtues that are names", chaperone.Item{Channel: chaperone.ChannelComment, Context: "Beach season safety post",
			Text: "Faith, hope and charity, but mostly SPF 50 😂☀️"}, chaperone.Allow, nil},
		{"practice's hours and address", chaperone.Item{Channel: chaperone.ChannelReviewReply, Context: "★★★★★ Great team!",
			Text: "Thank you! Northgate Physio is open Mon-Sat 8am-6pm at 77 Larch Rd, come say hi."}, chaperone.Allow, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.Screen(tt.item)
			if res.Decision != tt.want {
				t.Errorf("decision %s, want %s (findings %v)", res.Decision, tt.want, findingTypes(res))
			}
			for _, f := range tt.has {
				if !res.Has(f) {
					t.Errorf("missing finding %s (got %v)", f, findingTypes(res))
				}
			}
			for _, f := range res.Findings {
				if f.Reason == "" || f.Cite == "" || f.Rule == "" {
					t.Errorf("finding %+v does not explain itself", f)
				}
			}
		})
	}
}

func findingTypes(r chaperone.Result) []chaperone.FindingType {
	var out []chaperone.FindingType
	for _, f := range r.Findings {
		out = append(out, f.Type)
	}
	return out
}

// TestReasonsNeverQuoteText checks that no finding's reason or rule repeats
// the matched text: reasons go to logs.
func TestReasonsNeverQuoteText(t *testing.T) {
	e := engine(t)
	text := "Found a face sheet for Ngozi Adeyemi, MRN 6620914, SSN 287-66-0194, cell 555-290-7714, ngozi.adeyemi@outlook.com"
	res := e.Screen(chaperone.Item{Text: text})
	if len(res.Spans) < 4 {
		t.Fatalf("want at least 4 spans, got %v", res.Spans)
	}
	for _, f := range res.Findings {
		for _, s := range res.Spans {
			if strings.Contains(f.Reason, text[s.Start:s.End]) || strings.Contains(f.Rule, text[s.Start:s.End]) {
				t.Errorf("finding %s quotes the text", f.Rule)
			}
		}
	}
}

func TestValidators(t *testing.T) {
	for _, tt := range []struct {
		v    string
		want bool
	}{{"1HGCM82633A004352", true}, {"1HGCM82633A004353", false}, {"11111111111111111", false}, {"1HGCM8263OA004352", false}} {
		if got := validVIN(tt.v); got != tt.want {
			t.Errorf("validVIN(%s) = %v", tt.v, got)
		}
	}
	for _, tt := range []struct {
		v    string
		want bool
	}{{"1234567893", true}, {"1234567890", false}, {"123456789", false}} {
		if got := validNPI(tt.v); got != tt.want {
			t.Errorf("validNPI(%s) = %v", tt.v, got)
		}
	}
	e := engine(t)
	for _, tt := range []struct {
		text string
		want bool
	}{{"519-04-7732", true}, {"123-45-6789", false}, {"000-12-3456", false}, {"666-12-3456", false}, {"912-12-3456", false}, {"519-00-7732", false}} {
		d := e.newDoc(chaperone.Item{Text: tt.text})
		if got := validSSN(d, 0, len(tt.text)); got != tt.want {
			t.Errorf("validSSN(%s) = %v", tt.text, got)
		}
	}
}

func TestTokenize(t *testing.T) {
	toks := tokenize("Mr. O'Connell's 92-year-old mom (DOB 3/14) @jess_runs_26 #PrayForLiam 🙏 555-440-2201.")
	var got []string
	for _, tk := range toks {
		got = append(got, tk.text)
	}
	want := []string{"Mr", ".", "O'Connell", "'", "s", "92-year-old", "mom", "(", "DOB", "3", "/", "14", ")", "@jess_runs_26", "#PrayForLiam", "🙏", "555-440-2201", "."}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("tokens\n got %q\nwant %q", got, want)
	}
}

func TestSentences(t *testing.T) {
	tests := []struct {
		text string
		want int // sentences
	}{
		{"Sat Aug 3, 9am–1pm at the rec center", 1},
		{"Sat Aug 3, 9am – 1pm at the rec center", 1},
		{"stay home 2—3 days", 1},
		{"she was fine — then she wasn't", 2},
		{"open Oct 15–Dec 7", 1},
		{"open Oct 15 – December 7", 1},
		{"day 15 – Decided to stay", 2},
		{"FREE physicals 🏀 Sat Aug 3", 2},
		{"Fatima → Hopkins fellowship, Brendan → Mayo", 1},
		{"Open Mon–Sat 7a–9p at 4100 Lakeview Pkwy", 1},
		{"closed Mon — Tuesday we reopen", 1},
		{"see you Monday — Bring snacks", 2},
	}
	for _, tt := range tests {
		toks := tokenize(tt.text)
		sent := sentenceIndexInto(nil, toks)
		if got := sent[len(sent)-1] + 1; got != tt.want {
			t.Errorf("%q: %d sentences, want %d", tt.text, got, tt.want)
		}
	}
}

// checkResult checks the invariants every screen result must hold.
func checkResult(t *testing.T, text string, res chaperone.Result) {
	t.Helper()
	prevEnd := 0
	for _, s := range res.Spans {
		if s.Start < prevEnd || s.End > len(text) || s.Start >= s.End {
			t.Fatalf("span %+v out of order or range in %d bytes", s, len(text))
		}
		if !utf8.ValidString(text[s.Start:s.End]) {
			t.Fatalf("span %+v not on rune boundaries", s)
		}
		if !s.Type.Valid() {
			t.Fatalf("span %+v has an unknown type", s)
		}
		prevEnd = s.End
	}
	if res.Decision.Severity() < 0 {
		t.Fatalf("bad decision %q", res.Decision)
	}
}

// FuzzScreen: no panic; spans inside the text, ordered, on rune
// boundaries; no detected span text survives redaction; redacting the
// rewrite again changes nothing.
func FuzzScreen(f *testing.F) {
	for _, s := range []string{"", "Mr. K in bed 4B", "pt's SSN 519-04-7732 DOB 3/14/1931 call 555-440-2201",
		"Hi Lauren! see you at your visit", "\xff\xfe bad utf8 Mrs. \xc3", "#PrayForLiam @mikeyb_1990 gofundme.com/f/ava"} {
		f.Add(s, "", "post")
	}
	f.Add("Thanks Will! glad the molar is better", "great dentist — Will", "review_reply")
	e := engine(f)
	tag := redact.New(redact.Tag)
	f.Fuzz(func(t *testing.T, text, context, channel string) {
		if len(text) > 4096 || len(context) > 1024 {
			return
		}
		it := chaperone.Item{Text: text, Context: context, Channel: chaperone.Channel(channel)}
		res := e.Screen(it)
		checkResult(t, text, res)
		out := tag.Apply(text, res.Spans)
		for _, s := range res.Spans {
			v := text[s.Start:s.End]
			if len(v) >= 4 && strings.Count(text, v) == 1 && strings.Contains(out, v) && !strings.Contains("["+string(s.Type)+"]", v) {
				t.Fatalf("span text survived redaction")
			}
		}
		if !utf8.ValidString(text) {
			return
		}
		again := tag.Apply(out, e.Screen(chaperone.Item{Text: out, Context: context, Channel: chaperone.Channel(channel)}).Spans)
		third := tag.Apply(again, e.Screen(chaperone.Item{Text: again, Context: context, Channel: chaperone.Channel(channel)}).Spans)
		if again != third {
			t.Fatalf("redaction is not idempotent")
		}
	})
}

// FuzzTokenize: tokens are in order, inside the text, never empty.
func FuzzTokenize(f *testing.F) {
	f.Add("O'Connell's 92-year-old #Tag @h.x 3.5 \xff")
	f.Fuzz(func(t *testing.T, s string) {
		end := 0
		for _, tk := range tokenize(s) {
			if tk.start < end || tk.end <= tk.start || tk.end > len(s) || s[tk.start:tk.end] != tk.text {
				t.Fatalf("bad token %+v", tk)
			}
			end = tk.end
		}
	})
}

// loadSet reads a labelled set committed under testdata/eval.
func loadSet(tb testing.TB, path string) []chaperone.Item {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Skip(err)
	}
	defer f.Close()
	var items []chaperone.Item
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var it chaperone.Item
		if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
			tb.Fatal(err)
		}
		items = append(items, it)
	}
	return items
}

// BenchmarkScreen screens realistic posts (the held-out sets) on one core
// and reports MB/s.
func BenchmarkScreen(b *testing.B) {
	e := engine(b)
	items := append(loadSet(b, "../testdata/eval/heldout-a.jsonl"), loadSet(b, "../testdata/eval/heldout-b.jsonl")...)
	n := 0
	for _, it := range items {
		n += len(it.Text)
	}
	b.SetBytes(int64(n))
	b.ResetTimer()
	for b.Loop() {
		for _, it := range items {
			e.Screen(it)
		}
	}
	b.ReportMetric(float64(len(items))*float64(b.N)/b.Elapsed().Seconds(), "posts/s")
}

// BenchmarkNew measures building an engine with the rules and dictionaries.
func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		base, err := loadDefaultRules()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := newEngine(base); err != nil {
			b.Fatal(err)
		}
	}
}

// TestPrefilterSound checks that the prefilter never skips a regex that
// would have matched: a skipped regex must not match the text.
func TestPrefilterSound(t *testing.T) {
	e := engine(t)
	items := append(loadSet(t, "../testdata/eval/heldout-a.jsonl"), loadSet(t, "../testdata/eval/train-c.jsonl")...)
	var all []rx
	for _, l := range e.rules.cues {
		all = append(all, l...)
	}
	for _, c := range e.rules.claims {
		all = append(all, c.compiled...)
	}
	for _, r := range e.rules.rules {
		all = append(all, r.compiled...)
	}
	for _, it := range items {
		d := e.newDoc(it)
		for xi := range all {
			x := &all[xi]
			if !d.may(x) && (x.re.MatchString(d.lower) || x.re.MatchString(d.text)) {
				t.Errorf("prefilter skipped %q on item %s", x.re.String(), it.ID)
			}
			if x.words && d.may(x) && e.pre.matchWords(x, d.lower, d.hits()) != x.re.MatchString(d.lower) {
				t.Errorf("word-list match of %q differs from the regex on item %s", x.re.String(), it.ID)
			}
		}
	}
}

// TestDeterministicLongText screens one long text built from every
// labelled set several times: the spans and findings must not change
// from run to run (map order and sort ties once made them vary).
func TestDeterministicLongText(t *testing.T) {
	e := engine(t)
	var b strings.Builder
	for _, set := range []string{"heldout-a", "heldout-b", "train-c", "train-d", "train-e"} {
		for _, it := range loadSet(t, "../testdata/eval/"+set+".jsonl") {
			b.WriteString(it.Text)
			b.WriteString("\n\n")
		}
	}
	item := chaperone.Item{Channel: chaperone.ChannelPost, Text: b.String()}
	first, err := json.Marshal(e.Screen(item))
	if err != nil {
		t.Fatal(err)
	}
	for range 4 {
		again, _ := json.Marshal(e.Screen(item))
		if !bytes.Equal(first, again) {
			t.Fatalf("screening the same %d-byte text twice gave different results", len(item.Text))
		}
	}
}

// TestCompanionSpans checks that a weak identifier is reported only in an
// item that already identifies someone.
func TestCompanionSpans(t *testing.T) {
	e := engine(t)
	tests := []struct {
		name string
		item chaperone.Item
		typ  chaperone.SpanType
		want string // the one span of type typ that must be reported, or "" for none
	}{
		{"date beside an account number", chaperone.Item{Channel: chaperone.ChannelReply, Context: "still waiting on my bill from the scope 🙄",
			Text: "Statement for guarantor acct 55-01923 went out on 6/2 to the PO box on file."}, chaperone.SpanDate, "6/2"},
		{"date in a named patient's story", chaperone.Item{
			Text: "Mr. Anselm Kowalczyk asked to see the lake one last time. On 7/19 our team got him down to the dock 💙"}, chaperone.SpanDate, "7/19"},
		{"a date alone in a reply", chaperone.Item{Channel: chaperone.ChannelReply, Context: "are you open next week?",
			Text: "We're closed on 6/2 for inventory, open the rest of the week."}, chaperone.SpanDate, ""},
		{"serial in a patient's story", chaperone.Item{
			Text: "Pump download of the day: Tandem serial 7KX-4410-TT showed the kid hadn't bolused for lunch since March 😬 teenagers, man"}, chaperone.SpanDevice, "7KX-4410-TT"},
		{"name before a chart number across a dash", chaperone.Item{
			Text: "merged two charts today for Parvaneh Ghorbani — chart # 4410927 and chart # 4410988 — because of a typo 😩"}, chaperone.SpanName, "Parvaneh Ghorbani"},
		// a reply that confirms someone's care makes its weak identifiers theirs
		{"handle a confirming reply answers", chaperone.Item{Channel: chaperone.ChannelReply, Context: "thanks for taking care of me today @DrLiuDerm",
			Text: "@marta.on.wheels so glad it went smoothly, the biopsy was benign and your stitches come out Friday!"}, chaperone.SpanHandle, "@marta.on.wheels"},
		{"handle after a greeting", chaperone.Item{Channel: chaperone.ChannelReviewReply, Context: "Fast and friendly flu shot! — @oakley.reads",
			Text: "Thanks @oakley.reads! Glad the flu shot went smoothly, see you for your booster in the spring."}, chaperone.SpanHandle, "@oakley.reads"},
		{"handle of a stranger given advice", chaperone.Item{Channel: chaperone.ChannelReply, Context: "what helps a sprained ankle??",
			Text: "@jo.runs ice it and keep it up for a couple of days, then see someone if it's no better."}, chaperone.SpanHandle, ""},
		{"address in a confirming review reply", chaperone.Item{Channel: chaperone.ChannelReviewReply, Context: "My home health nurse never showed up!",
			Text: "So sorry, our nurse went to 88 Quarry Hill Rd but nobody answered. Is that still the right address?"}, chaperone.SpanLocation, "88 Quarry Hill Rd"},
		{"lab value in a confirming review reply", chaperone.Item{Channel: chaperone.ChannelReviewReply, Context: "Waiting 3 days for my lab results and nothing.",
			Text: "Please don't wait on us. Your potassium was 6.1 and that needs to be rechecked today."}, chaperone.SpanDate, ""},
		{"reviewer greeted in a confirming reply", chaperone.Item{Channel: chaperone.ChannelReviewReply, Context: "Can't log in to the portal all week. — Marisol",
			Text: "Hi Marisol, our IT team unlocked your portal account this morning."}, chaperone.SpanName, "Marisol"},
		{"reviewer who shares a public figure's name", chaperone.Item{Channel: chaperone.ChannelReviewReply, Context: "Nobody sent my paperwork. — Jordan P.",
			Text: "Jordan, I'm sorry the wait felt long. We mailed your superbill last week."}, chaperone.SpanName, "Jordan"},
		{"mother congratulated on a birth", chaperone.Item{
			Text: "Shoutout to Ximena on baby #3!! 9 lbs even and already bossing the nursery around 💕"}, chaperone.SpanName, "Ximena"},
		{"colleague congratulated", chaperone.Item{
			Text: "Shoutout to Ximena on passing her CCRN!! The unit is lucky to have you 💕"}, chaperone.SpanName, ""},
		{"a pupil's school", chaperone.Item{Channel: chaperone.ChannelImageCaption,
			Text: "Sticker Club 🦷🏆 Congrats to Imani from Westbrook Elementary on her first cavity-free checkup!"}, chaperone.SpanFacility, "Westbrook Elementary"},
		{"handle told of their own surgery", chaperone.Item{
			Text: "So proud of @rosie.rides.again, back on the trail eight months after your ACL reconstruction 🚵"}, chaperone.SpanHandle, "@rosie.rides.again"},
		{"handle in a result photo", chaperone.Item{Channel: chaperone.ChannelImageCaption,
			Text: "Swipe ➡️ for @dev.smiles’s transformation! Nine months of aligners 😁"}, chaperone.SpanHandle, "@dev.smiles"},
		{"doctor the practice is named after", chaperone.Item{Channel: chaperone.ChannelReviewReply, Author: chaperone.Author{Employer: "Lindgren Women's Health"},
			Context: "Dr. Lindgren delivered both my babies", Text: "This is so sweet! Dr. Lindgren says baby #2 was her fastest delivery of the year."}, chaperone.SpanFacility, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.Screen(tt.item)
			var got []string
			for _, s := range res.Spans {
				if s.Type == tt.typ {
					got = append(got, tt.item.Text[s.Start:s.End])
				}
			}
			if tt.want == "" && len(got) > 0 || tt.want != "" && (len(got) != 1 || got[0] != tt.want) {
				t.Errorf("%s spans %q, want %q", tt.typ, got, tt.want)
			}
		})
	}
}

// TestStoryNames checks that a patient's story makes the known names in it
// a patient's, even far from a cue, and leaves words that are no names.
func TestStoryNames(t *testing.T) {
	e := engine(t)
	tests := []struct {
		text string
		want []string
	}{
		{"Found an insulin pen in the parking lot with a label for Dale & Joyce Petersen. Joyce, we have it at the counter!", []string{"Dale", "Joyce Petersen", "Joyce"}},
		{"Get your flu shot before Thanksgiving, friends. Pharmacies have plenty.", nil},
	}
	for _, tt := range tests {
		res := e.Screen(chaperone.Item{Text: tt.text})
		var got []string
		for _, s := range res.Spans {
			if s.Type == chaperone.SpanName {
				got = append(got, tt.text[s.Start:s.End])
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%q: names %q, want %q", tt.text, got, tt.want)
		}
	}
}

// TestShapeTwins checks that a value written like a reported identifier is
// reported with it, and that a year is not.
func TestShapeTwins(t *testing.T) {
	e := engine(t)
	tests := []struct {
		text string
		want []string
	}{
		{"BCBS keeps bouncing claims for a pt whose member ID on the card is WQR804417723 but the portal shows WQR804417728.", []string{"WQR804417723", "WQR804417728"}},
		{"face sheet says SSN ending in 4471 but the pt swears it's 4417, who do I believe", []string{"4471", "4417"}},
		{"her SSN ending in 4471 was entered wrong in 2023, fixed now", []string{"4471"}},
	}
	for _, tt := range tests {
		res := e.Screen(chaperone.Item{Text: tt.text})
		var got []string
		for _, s := range res.Spans {
			if s.Type != chaperone.SpanName && s.Type != chaperone.SpanDate {
				got = append(got, tt.text[s.Start:s.End])
			}
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("%q: spans %q, want %q", tt.text, got, tt.want)
		}
	}
}

// TestIsWordRuneASCII checks isWordRune's ASCII shortcut against the
// Unicode tables.
func TestIsWordRuneASCII(t *testing.T) {
	for r := rune(0); r < 128; r++ {
		if isWordRune(r) != (unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)) {
			t.Errorf("isWordRune(%q)", r)
		}
	}
}

// TestScreenConcurrent screens the same items from several goroutines at
// once (the lazily built DFAs and the pooled tables are shared) and checks
// that every result is what one goroutine alone gets. Run it with -race.
func TestScreenConcurrent(t *testing.T) {
	e := engine(t)
	items := loadSet(t, "../testdata/eval/heldout-b.jsonl")
	e2, err := NewWithRules() // a fresh engine: no DFA built yet
	if err != nil {
		t.Fatal(err)
	}
	want := make([]chaperone.Result, len(items))
	for i, it := range items {
		want[i] = e.Screen(it)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, it := range items {
				if got := e2.Screen(it); !reflect.DeepEqual(got, want[i]) {
					t.Errorf("item %s differs when screened concurrently", it.ID)
				}
			}
		}()
	}
	wg.Wait()
}

// TestEndsWithWord checks endsWithWord against the strings it avoids
// building.
func TestEndsWithWord(t *testing.T) {
	for _, s := range []string{"", " ", "to ", " to ", "xto ", "go to ", "flown to ", "a flown to ", "to", " to", "  to ", "into "} {
		for _, w := range []string{"to", "flown to", "o", ""} {
			if got, want := endsWithWord(s, w), strings.HasSuffix(s, " "+w+" ") || s == w+" "; got != want {
				t.Errorf("endsWithWord(%q, %q) = %v, want %v", s, w, got, want)
			}
		}
	}
}

// TestListWords checks that the cue lists read as whole words do not match
// inside a longer word, as listIn's substrings do: "our sweetest patient"
// is no "test patient", "your son" no "our son".
func TestListWords(t *testing.T) {
	e := engine(t)
	for _, tc := range []struct {
		list, text string
		want       bool
	}{
		{"placeholder_cues", "Our sweetest patient, Hector, brought tamales.", false},
		{"placeholder_cues", "This is a test patient, not a real one.", true},
		{"author_family_cues", "Saw your son at the game, he threw a strike.", false},
		{"author_family_cues", "Took our son to the game, he threw a strike.", true},
	} {
		d := e.newDoc(chaperone.Item{Text: tc.text})
		if got := d.listWords(tc.list, 0, len(d.lower)); got != tc.want {
			t.Errorf("listWords(%s, %q) = %v, want %v", tc.list, tc.text, got, tc.want)
		}
		d.release()
	}
}

// TestAboutNoPatient checks the reading of a text about the author's own
// life or medicine's history (doc.aboutNoPatient), whose people, places
// and dates are no patient's, against twins that speak of a patient.
func TestAboutNoPatient(t *testing.T) {
	e := engine(t)
	for _, tc := range []struct {
		text     string
		personal bool
		want     bool
	}{
		{"Grandma Ruth turned 90 today! 🎂 Still drives herself to bingo in Kearney every Tuesday.", true, true},
		{"Grabbed tacos in San Pedro after my shift with my 94-year-old grandpa. He out-ate me.", false, true},
		{"Grace and I finally took the kids to Yellowstone. June is the month to go.", false, true},
		{"Ate way too much poke in Kailua today 🐟 Beach, nap, repeat. Vacation mode on.", true, true},
		{"Dad turns 91 on Sunday and wants ONE thing: a ride in a convertible along Highway 1 through Big Sur.", true, true},
		{"Took my 91-year-old grandmother to see the Grand Canyon. She said 'it's a big hole' and asked about lunch 😂", true, true},
		{"Grandma Inés is 102 today 🎂 Born in 1922 in Ponce, still does her own taxes.", true, true},
		{"Camping at Itasca this weekend. Walked across the Mississippi headwaters and my 5yo was deeply unimpressed", true, true},
		{"NICU nurse 👶 | Still thinking of my angel baby Ximena, always 🕊️ | follow her mama's page", false, false},
		{"Dec 23, 1954: Joseph Murray's team at Peter Bent Brigham performs the first successful kidney transplant 🫘 #MedHistory", false, true},
		{"Fun fact: Alexander Fleming noticed the mold on his plates in September 1928, penicillin's birthday, sort of.", false, true},
		{"Fun fact from the pharmacy today: someone tried to fill a script written on a napkin 😂", false, false},
		{"Heartbreaking news out of Uvalde today. Thinking of every family.", false, true},
		{"A 92-year-old woman in Ohio just finished her 10th marathon, per AP. Movement is medicine!", false, true},
		// a story with a clinical word, a record or a patient in it is no one's own life
		{"my dialysis uncle Sione (not my real uncle lol) turned ninety today and brought malasadas for the whole chair room", false, false},
		{"Check that came in today with a note: “Sorry it’s late, my wife passed in October. — Ed, acct 3310-88.”", false, false},
		{"Aroha flew all the way from Rotorua to see her moko and ended up seeing me instead — fractured wrist on day one of vacation.", false, false},
		// a relative called by title is the author's only on a personal account
		{"Grandma Ruth turned 90 today! 🎂 Still drives herself to bingo in Kearney every Tuesday.", false, false},
		{"Grandma Ruth in bed 4 turned 90 today! Still asks for her bingo cards.", true, false},
		{"Mom's 70th at Tía Carmen's house in Hialeah 🎉 the whole familia showed up", true, true},
		{"Mom's 70th at Tía Carmen's house in Hialeah 🎉 the whole familia showed up", false, false},
		{"Took a splint off a chef from Nonna's Kitchen on Federal Hill today.", true, false},
		{"My patient's grandma turned 95 today and brought me a pie.", false, false},
		{"We have a baby in our unit whose parents live 4 hrs away in Yakima, her name is Mei-Ling.", false, false},
		{"Refilled meds for a sweet lady who works at Jefferson High. She's been feeding our kids for 30 years.", false, false},
		// a stranger who does something at the author's party is no patient; one in a story told with a time may be
		{"Happy 40th to my husband Faisal! 🎉 Surprise party at Rosie's in Hoboken, he cried, I cried, the bartender cried", true, true},
		{"Grandpa J.R. in the memory unit asked me to marry him for the 12th time this week 😂 Told him my husband might mind.", true, false},
		{"My husband's surprise party at Rosie's in Hoboken: the bartender collapsed and I did CPR", true, false},
		// in-laws and "my baby girl" are the author's family
		{"my mother-in-law Ingrid (91!!) beat me at Scrabble again on Christmas Eve.", true, true},
		{"my baby girl Marisol turned 7 today, took her to City Park for the carousel", true, true},
		// history a century back, told with no first person and no patient
		{"Anne Sullivan arrived in Tuscumbia, Alabama on March 3, 1887 to teach 6-yo Helen Keller. Happy #OTMonth!", false, true},
		{"Mr. Oakes was born March 3, 1931 in Tuscumbia and still mows his own lawn.", false, false},
		{"On March 3, 1931 I was not born yet, but Mr. Oakes was, in Tuscumbia.", false, false},
		// "my hand" is a body part, not a farm hand
		{"dad's in the CCU at St. Vincent after his bypass Tuesday. he squeezed my hand this morning 🙏 thanks for all the prayers", true, true},
		// "cell" is a label only before a number
		{"Back from 10 days in Juneau with my sister 🐋 zero cell service, saw humpbacks", true, true},
	} {
		it := chaperone.Item{Text: tc.text}
		if tc.personal {
			it.Author.Account = chaperone.AccountPersonal
		}
		d := e.newDoc(it)
		d.readContext()
		if d.aboutNoPatient != tc.want {
			t.Errorf("aboutNoPatient(%q, personal %v) = %v, want %v", tc.text, tc.personal, d.aboutNoPatient, tc.want)
		}
		d.release()
		if r := e.Screen(it); tc.want && r.Decision == chaperone.Block {
			t.Errorf("Screen(%q) blocks the author's own life: %v", tc.text, r.Spans)
		}
	}
}

// TestBeforeLiving checks the dates too old to be a living patient's.
func TestBeforeLiving(t *testing.T) {
	for _, tc := range []struct {
		date string
		want bool
	}{
		{"May 12, 1820", true}, {"June 7, 1909", true}, {"1910", true},
		{"March 3, 1931", false}, {"12/03/1911", false}, {"May 12", false}, {"12019", false}, {"Oct 1, 2024", false},
	} {
		if got := beforeLiving(tc.date); got != tc.want {
			t.Errorf("beforeLiving(%q) = %v, want %v", tc.date, got, tc.want)
		}
	}
}

// TestPetNames checks that a pet's name is no one's NAME span, and that a
// patient named beside a pet still is.
func TestPetNames(t *testing.T) {
	e := engine(t)
	tests := []struct {
		text  string
		names int
	}{
		{"Pepper (14, beagle) had her TPLO last Tuesday and is already stealing socks again 🐕", 0},
		{"my cat Mochi had a dental under GA yesterday and I was a wreck in the waiting room 😹", 0},
		{"Sweet Mr. Nakamura passed on the 22nd, peacefully, with his cat Mochi on his lap.", 1},
	}
	for _, tt := range tests {
		n := 0
		for _, s := range e.Screen(chaperone.Item{Text: tt.text}).Spans {
			if s.Type == chaperone.SpanName {
				n++
			}
		}
		if n != tt.names {
			t.Errorf("%q: %d NAME spans, want %d", tt.text, n, tt.names)
		}
	}
}
