# Re-creates the algorithm and timestamp-format test tokens (corpus/eval/tokens/alg-*, *-timestamp-*).
# Run from the repository root: python3 corpus/tokens/make-alg-tokens.py
# HS256 uses the published test secret below; RS256 uses the test-only key in corpus/keys/.
import base64, json, hmac, hashlib, subprocess, sys
def b64(b): return base64.urlsafe_b64encode(b).rstrip(b'=').decode()
def enc(o): return b64(json.dumps(o, separators=(',',':')).encode())
claims=json.load(open('corpus/tokens/bitbucket-signed.claims.json'))
def write(name, header, claims, sig):
    si=enc(header)+'.'+enc(claims)
    if sig=='none': s=''
    elif sig=='hs256': s=b64(hmac.new(b'rolecall-test-hmac-secret', si.encode(), hashlib.sha256).digest())
    elif sig=='rs256': s=b64(subprocess.run(['openssl','dgst','-sha256','-sign','corpus/keys/test-rsa-private.pem'],input=si.encode(),capture_output=True,check=True).stdout)
    elif sig=='junk': s=b64(b'not a signature')
    open('corpus/tokens/'+name,'w').write(si+'.'+s+'\n')
write('bitbucket-alg-none.jwt', {"alg":"none","typ":"JWT"}, claims, 'none')
write('bitbucket-alg-hs256.jwt', {"alg":"HS256","typ":"JWT","kid":"rolecall-test"}, claims, 'hs256')
write('bitbucket-alg-eddsa.jwt', {"alg":"EdDSA","typ":"JWT","kid":"rolecall-test"}, claims, 'junk')
c=dict(claims); c['exp']=4102444800.5
write('bitbucket-signed-fractional-exp.jwt', {"alg":"RS256","typ":"JWT","kid":"rolecall-test"}, c, 'rs256')
c=dict(claims); c['iat']=str(claims['iat'])
write('bitbucket-signed-string-iat.jwt', {"alg":"RS256","typ":"JWT","kid":"rolecall-test"}, c, 'rs256')
