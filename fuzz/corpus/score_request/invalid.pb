
£
&
	9589354210301*Oslo kommune0½)8âÇ

	
	H








	



"*2	:0







B



®
6
bis-1*-
henvendelser
undersokelser
tjenestedesign
	
bis-2
H
kom-1*?
administrative-ledere
mellomledere
medarbeidere

politikere
	
kom-28
	
ikt-1
	
ikt-2"ı

barnehageplass

	sfo-plass

kulturskoleplass

redusert-foreldrebetaling


skoleskyss


skolebytte

sykehjemsplass

hjemmetjenester

trygghetsalarm

kommunal-bolig

startlan

parkeringstillatelse

skjenkebevilling

byggesoknad

planforslag

gravetillatelse

oppmalingsforretning

utslippstillatelse

eiendomsinformasjon