#!/usr/bin/env bash
# The DA guideline's walkthrough over HTTP with curl, against a running service with the
# demo data (npm start): maker AAA changes DA B01234X1's e-mail, checker D Wong claims
# and confirms, an HKEX operator completes, and the registry listing shows the new e-mail.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/runtime.sh
API=${API:-http://localhost:3000/api/v1}
PASSWORD='Demo!Passw0rd-2026'
json() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s);console.log(process.argv[1].split(".").reduce((o,k)=>o[k],v))})' "$1"; }
# The two login steps of SPEC §7: password, then the code the user's authenticator app shows
# (computed here from the demo users' TOTP secrets, as the app on a phone would).
totp() { node -e 'const {totpNow}=require("./dist/src/auth/one-time-passwords.js");
  const {DEMO_DATA}=require("./dist/src/registry/demo-data.js");
  const users=[...DEMO_DATA.companies.flatMap(c=>c.users),...DEMO_DATA.operators,...DEMO_DATA.administrators];
  totpNow(users.find(u=>u.username===process.argv[1]).totpSecret,new Date()).then(console.log)' "$1"; }
login() {
  local challenge
  challenge=$(curl -sf "$API/auth/login" -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$PASSWORD\"}" | json challengeId)
  curl -sf "$API/auth/otp" -H 'content-type: application/json' \
    -d "{\"challengeId\":\"$challenge\",\"otp\":\"$(totp "$1")\"}" | json accessToken
}

MAKER=$(login aaa@bank.com.hk)
CHECKER=$(login dwong@bank.com.hk)
OPERATOR=$(login ops1@hkex.com.hk)

echo "1. Maker AAA drafts a DA3 Change request for B01234X1"
ID=$(curl -sf "$API/eservices" -H "authorization: Bearer $MAKER" -H 'content-type: application/json' -d '{
  "formType": "DA3", "clearingHouse": "HKSCC", "participantId": "B01234",
  "requestType": "CHANGE",
  "lines": [{"userId": "B01234X1", "email": "ABC@bank.com.hk"}],
  "declarationAccepted": true}' | json id)
echo "   draft $ID"

echo "2. AAA submits it"
curl -sf -X POST "$API/eservices/$ID/submit" -H "authorization: Bearer $MAKER" \
  -H 'content-type: application/json' -d '{"message": "New designated e-mail for Tai Man"}' \
  | json referenceNumber | sed 's/^/   reference number /'

echo "3. Checker D Wong finds it in the tasks list, claims and confirms it"
curl -sf "$API/tasks" -H "authorization: Bearer $CHECKER" | json items.0.details | sed 's/^/   task: /'
curl -sf -X POST "$API/eservices/$ID/claim" -H "authorization: Bearer $CHECKER" | json statusLine | sed 's/^/   /'
curl -sf -X POST "$API/eservices/$ID/confirm" -H "authorization: Bearer $CHECKER" | json statusLabel | sed 's/^/   /'

echo "4. The HKEX operator completes it (202: a worker applies it)"
curl -sf -X POST "$API/eservices/$ID/complete" -H "authorization: Bearer $OPERATOR" | json completionRequested.label | sed 's/^/   /'
for _ in $(seq 50); do
  STATUS=$(curl -sf "$API/eservices/$ID" -H "authorization: Bearer $OPERATOR" | json statusLabel)
  [ "$STATUS" = Completed ] && break
  sleep 0.1
done
echo "   $STATUS"

echo "5. The registry listing shows the new e-mail"
curl -sf "$API/participantships/HKSCC/B01234/user-profiles" -H "authorization: Bearer $MAKER" \
  | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const l=JSON.parse(s);
      for (const p of l.profiles) console.log(`   ${p.userId}  ${p.surname.padEnd(7)} ${p.email.padEnd(24)} ${p.isDa ? "DA " + p.daRole : "user"}`);
      console.log("   totals", JSON.stringify(l.totals))})'

if [ -n "${OUTBOX:-}" ]; then
  echo "6. The e-mails in $OUTBOX"
  sleep 1
  for f in "$OUTBOX"/*.eml; do
    printf '   %s  To: %s\n' "$(basename "$f" | cut -c1-18)" "$(grep -m1 '^To:' "$f" | cut -c5-)"
    sed -n '/^Subject:/{N;s/\n / /;p;q}' "$f" | sed 's/^/      /'
  done
fi
